/**
 * A new stage comes up honest (issue 19, finding 7). A service's image repository is created in
 * the same `pulumi up` as the service, so on a new stage it is empty and the first task
 * definition names `<repository>:<initialImageTag>`, an image that cannot exist yet. Started as
 * configured, the service would retry tasks that can never pull their image, its URL would serve
 * 503, its alarms would fire, and `pulumi up` would still report success.
 *
 * Instead the program asks ECR whether the repository holds any image
 * (`aws.ecr.getImages`, ECR's ListImages: https://www.pulumi.com/registry/packages/aws/api-docs/ecr/getimages/,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImages.html). While it holds
 * none, the ECS service is created with 0 tasks and its scalable target with the range 0..0, both
 * tagged `stageline:release-state=awaiting-first-image` (lib/releaseState.ts); the plan and the
 * policy pack report it. The range must be 0..0, not only the service's count 0: registering a
 * scalable target "changes the resource's current capacity to a value that is inside of this
 * range" (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html),
 * so a minimum of 2 would start the tasks anyway.
 *
 * The pipeline's deploy step (scripts/deploy-service.sh) takes the service out of that state: it
 * deploys the release's revision with the configured count and registers the configured range.
 * It registers the range on every deploy, and `pulumi up` ignores later changes to it, so a later
 * `pulumi up` can never scale a released service down to 0..0 nor up onto an image that was never
 * deployed (an image built but still waiting for approval). Code owns the range; the next pipeline
 * deploy applies it, the same rule as for the task definition (docs/services.md).
 *
 * While the invoke's repository is still to be created (a preview of a new stage) the answer is
 * unknown, as Pulumi makes every output-form invoke whose inputs depend on a resource without an
 * id yet; the policy pack reports those values as unknown, never as a pass or a failure.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWAITING_FIRST_IMAGE, RELEASE_STATE_TAG } from "../lib/releaseState";
import type { Tags } from "./types";

/** Whether a service's repository holds its first image yet, and what that means for its resources. */
export interface FirstRelease {
    /** `base` plus the release-state tag while awaiting. */
    tags(base: Tags): pulumi.Output<Tags>;
    /** `configured` once an image exists; 0 while awaiting. */
    count(configured: number): pulumi.Output<number>;
}

/** Asks ECR (through `parent`'s provider) whether `repository` holds an image. */
export function firstRelease(repository: aws.ecr.Repository, parent: pulumi.Resource): FirstRelease {
    const images = aws.ecr.getImagesOutput({ repositoryName: repository.name, registryId: repository.registryId }, { parent });
    const awaiting = images.apply((r) => r.imageIds.length === 0);
    return {
        tags: (base) => awaiting.apply((a): Tags => (a ? { ...base, [RELEASE_STATE_TAG]: AWAITING_FIRST_IMAGE } : base)),
        count: (configured) => awaiting.apply((a) => (a ? 0 : configured)),
    };
}
