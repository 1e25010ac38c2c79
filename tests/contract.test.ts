/**
 * The cross-stack contracts (infra/stacks.ts): prod exports exactly what staging reads, with the
 * types staging expects, and the fixture the other tests feed staging is the same shape.
 */
import { strict as assert } from "node:assert";
import { planStack, planStackFile, prodFixtureOutputs, stackSettings, StackPlan, ofType } from "../tools/harness";
import { GITHUB_ORG_OUTPUT, PROD_CONTRACT_KEYS, ProdDatabaseContract, RELEASE_HANDOFF_OUTPUT } from "../infra/stacks";

type JsType = "string" | "number" | "string[]";

/** The JS type of each contract key, as the interface declares it (the compiler keeps the two in step). */
const EXPECTED: { [K in keyof ProdDatabaseContract]: ProdDatabaseContract[K] extends string[] ? "string[]" : ProdDatabaseContract[K] extends number ? "number" : "string" } = {
    vpcId: "string",
    vpcCidr: "string",
    databaseRouteTableIds: "string[]",
    privateRouteTableIds: "string[]",
    dbAddress: "string",
    dbPort: "number",
    dbName: "string",
    dbSecretArn: "string",
    dbSecurityGroupId: "string",
    dbInstanceId: "string",
    dbInstanceArn: "string",
    dbSecretKmsKeyArn: "string",
    region: "string",
};

function jsType(v: unknown): string {
    if (Array.isArray(v)) return v.every((x) => typeof x === "string") ? "string[]" : "array";
    return v === null ? "null" : typeof v;
}

/** Every problem with `outputs` as a contract: missing keys, wrong types, empty values. */
function contractProblems(outputs: Record<string, unknown>): string[] {
    const out: string[] = [];
    for (const key of PROD_CONTRACT_KEYS) {
        const want: JsType = EXPECTED[key];
        const v = outputs[key];
        if (v === undefined) out.push(`${key}: missing`);
        else if (jsType(v) !== want) out.push(`${key}: ${jsType(v)}, expected ${want}`);
        else if (v === "" || (Array.isArray(v) && v.length === 0)) out.push(`${key}: empty`);
    }
    return out;
}

describe("the prod → staging contract", () => {
    let prod: StackPlan;
    let stagingOnRealProd: StackPlan;

    before(async () => {
        prod = await planStackFile("prod");
    });
    before(async () => {
        // Staging reading prod's real planned exports, not the fixture.
        stagingOnRealProd = await planStack(stackSettings("staging"), { stackOutputs: { "acme/stageline/prod": prod.outputs } });
    });

    it("GIVEN the contract's key list WHEN compared with the interface THEN they name the same keys", () => {
        assert.deepEqual([...PROD_CONTRACT_KEYS].sort(), Object.keys(EXPECTED).sort());
    });

    it("GIVEN prod planned under mocks WHEN its exports are read THEN every contract key is there with its type", () => {
        assert.deepEqual(contractProblems(prod.outputs), []);
    });

    it("GIVEN prod's exports WHEN checked against what prod built THEN they are prod's own database and network", () => {
        const db = ofType(prod, "aws:rds/instance:Instance")[0];
        assert.equal(prod.outputs.dbAddress, db.outputs.address);
        assert.equal(prod.outputs.dbInstanceId, db.outputs.identifier);
        assert.equal(prod.outputs.dbPort, db.outputs.port);
        assert.equal((prod.outputs.databaseRouteTableIds as string[]).length, prod.settings.network.availabilityZones.length);
        assert.equal(prod.outputs.vpcCidr, prod.settings.network.cidr);
        assert.equal(prod.outputs.region, prod.settings.region);
    });

    it("GIVEN the fixture staging's tests use WHEN compared with the contract THEN it has exactly the contract's keys and types", () => {
        const fixture = prodFixtureOutputs();
        assert.deepEqual(Object.keys(fixture).sort(), [...PROD_CONTRACT_KEYS, GITHUB_ORG_OUTPUT, RELEASE_HANDOFF_OUTPUT].sort());
        assert.deepEqual(contractProblems(fixture), []);
    });

    it("GIVEN the fixture and prod's real exports WHEN typed key by key THEN both sides agree", () => {
        const fixture = prodFixtureOutputs(prod.settings.region);
        for (const key of PROD_CONTRACT_KEYS) assert.equal(jsType(prod.outputs[key]), jsType(fixture[key]), key);
    });

    it("GIVEN the fixture and prod's real exports WHEN the hand-off and GitHub contracts are compared THEN they have the same fields, none empty", () => {
        const fixture = prodFixtureOutputs(prod.settings.region);
        for (const key of [RELEASE_HANDOFF_OUTPUT, GITHUB_ORG_OUTPUT]) {
            const real = prod.outputs[key] as Record<string, unknown>;
            const fake = fixture[key] as Record<string, unknown>;
            assert.deepEqual(Object.keys(real).sort(), Object.keys(fake).sort(), key);
            for (const [k, v] of Object.entries(real)) assert.ok(typeof v === "string" && v.length > 0, `${key}.${k} is ${JSON.stringify(v)}`);
        }
    });

    it("GIVEN a contract value of the wrong type WHEN checked THEN it is reported (the check is live)", () => {
        const bad = { ...prodFixtureOutputs(), dbPort: "5432", databaseRouteTableIds: "rtb-1" };
        delete (bad as Record<string, unknown>).dbSecretArn;
        assert.deepEqual(contractProblems(bad), ["databaseRouteTableIds: string, expected string[]", "dbPort: string, expected number", "dbSecretArn: missing"]);
    });

    it("GIVEN staging reading prod's real exports WHEN planned THEN it peers to prod's VPC and uses prod's database", () => {
        assert.equal(stagingOnRealProd.outputs.databaseAddress, prod.outputs.dbAddress);
        assert.equal(stagingOnRealProd.outputs.databaseSecretArn, prod.outputs.dbSecretArn);
        const peering = ofType(stagingOnRealProd, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        assert.equal(peering.length, 1);
        assert.equal(peering[0].inputs.peerVpcId, prod.outputs.vpcId);
        const back = ofType(stagingOnRealProd, "aws:ec2/route:Route").filter((r) => r.inputs.destinationCidrBlock === stagingOnRealProd.settings.network.cidr);
        assert.deepEqual(back.map((r) => r.inputs.routeTableId), prod.outputs.databaseRouteTableIds);
    });
});
