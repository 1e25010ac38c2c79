/**
 * The one grant a service's code gets on the stage's uploads bucket, whichever runtime runs it
 * (the Fargate task role or the EC2 instance role).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";

/** Lets `role` read and write objects of the uploads bucket, encrypted with the stage key. */
export function grantUploads(name: string, role: aws.iam.Role, uploadsBucketArn: pulumi.Input<string>, kmsKeyArn: pulumi.Input<string>, parent: pulumi.Resource): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(
        name,
        {
            role: role.id,
            policy: policyDocument([
                { Sid: "ReadWriteUploads", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: pulumi.interpolate`${uploadsBucketArn}/*` },
                // The uploads bucket encrypts with the stage key.
                { Sid: "UseStageKeyForUploads", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kmsKeyArn },
            ]),
        },
        { parent },
    );
}
