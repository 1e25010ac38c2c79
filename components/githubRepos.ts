// STUB: replaced by the GitHubRepos implementation (issue 7).
import * as pulumi from "@pulumi/pulumi";
import { GitHubSettings, Stage } from "../infra/settings";
import { Tags } from "./types";

export interface GitHubReposArgs {
    readonly stage: Stage;
    readonly github: GitHubSettings;
    readonly region: string;
    readonly accountId: pulumi.Output<string>;
    readonly tags: Tags;
}

export class GitHubRepos extends pulumi.ComponentResource {
    readonly deployRoleArn?: pulumi.Output<string>;
    constructor(name: string, args: GitHubReposArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:github:GitHubRepos", name, {}, opts);
        void args;
        this.registerOutputs({});
    }
}
