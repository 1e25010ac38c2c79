/**
 * Moved: every cross-stack contract and StackReference now lives in `infra/stacks.ts`.
 * This file re-exports the database contract for code written against the old path.
 */
export { ProdDatabaseContract, PROD_CONTRACT_KEYS, ContractOutputs, readProdContract } from "./stacks";
