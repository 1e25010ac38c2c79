/**
 * The state a container service is in before its first release, shared by the program that puts
 * a service in it (components/firstRelease.ts), the pipeline script that takes it out
 * (scripts/deploy-service.sh) and the policy pack that judges it (policy/ecs.ts).
 *
 * A stage's image repository is created in the same `pulumi up` as its service, so on a new stage
 * it holds no image and the first task definition names an image that cannot exist yet. Such a
 * service is created with 0 tasks and an autoscaling range of 0..0, tagged with this tag, until the
 * pipeline's first deploy sets its count and range; then nothing about it is special any more.
 */

/** Tag key (on the ECS service and its scalable target) saying which release state the program saw. */
export const RELEASE_STATE_TAG = "stageline:release-state";

/** Its one value: the program found no image in the service's repository when it last ran. */
export const AWAITING_FIRST_IMAGE = "awaiting-first-image";
