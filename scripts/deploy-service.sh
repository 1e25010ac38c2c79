#!/usr/bin/env bash
# Deploy one ECS service the way infrastructure code says: take the task definition revision
# `pulumi up` registered (its ARN is in the service's SSM parameter, which Pulumi rewrites whenever
# the task definition changes in code), swap in the image this release carries, register that as a
# new revision, point the service at it and wait for the rolling deployment to complete.
#
# Why not CodePipeline's ECS deploy action: it "creates its own revision of the task definition
# based on the revision used by the Amazon ECS service. If you create new revisions for the task
# definition without updating the Amazon ECS service, the deployment action will ignore those
# revisions" (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html),
# so environment, secrets, CPU/memory or roles changed in code would never reach the tasks.
# Register: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
# Rollout state: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html
#
# Code's task count and autoscaling range reach the service here too. A new stage's services wait
# at 0 tasks with the range 0..0 for their first image (components/firstRelease.ts); the first
# deploy starts the configured count, and every deploy registers code's range, which `pulumi up`
# leaves alone. Registering a range moves the service's count inside it
# (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html),
# so the range is registered after the service runs the release's revision, never before: a
# service still on its first revision names an image that does not exist.
#
# Environment: SERVICE (the service's name), DEPLOY_TARGETS JSON
#   [{"name","cluster","service","container","parameter","scalingResourceId","desiredCount","minCount","maxCount"}],
#   IMAGE_FILE (default imagedefinitions-$SERVICE.json), DEPLOY_TIMEOUT_MINUTES (default 30),
#   POLL_SECONDS (default 15). Run by buildspecs/deploy-service.yml; driven by
#   tests/releaseScripts.test.ts, tests/deployFromCode.test.ts and tests/firstRelease.test.ts against a stand-in aws.
set -euo pipefail
: "${SERVICE:?SERVICE is required}" "${DEPLOY_TARGETS:?DEPLOY_TARGETS is required}"

target=$(echo "${DEPLOY_TARGETS}" | jq -c --arg s "$SERVICE" '.[] | select(.name==$s)')
[ -n "$target" ] || { echo "no deploy target for service ${SERVICE} in DEPLOY_TARGETS" >&2; exit 1; }
field() { echo "$target" | jq -r --arg k "$1" '.[$k]'; }
cluster=$(field cluster); service=$(field service); container=$(field container); parameter=$(field parameter)
scaling=$(field scalingResourceId); desired=$(field desiredCount); min=$(field minCount); max=$(field maxCount)
for n in "$desired" "$min" "$max"; do
  case "$n" in ''|*[!0-9]*) echo "DEPLOY_TARGETS gives ${SERVICE} no task count and range (desiredCount ${desired}, minCount ${min}, maxCount ${max})" >&2; exit 1 ;; esac
done

# Range 0..0: the service has never been released (components/firstRelease.ts). Checked before
# anything is registered, so a service without its scalable target changes nothing.
current_max=$(aws application-autoscaling describe-scalable-targets --service-namespace ecs --scalable-dimension ecs:service:DesiredCount \
  --resource-ids "$scaling" --output json | jq -r '.ScalableTargets[0].MaxCapacity // empty')
[ -n "$current_max" ] || { echo "${scaling} has no scalable target (pulumi up creates it with the service)" >&2; exit 1; }
first_release=false
[ "$current_max" = "0" ] && first_release=true

image_file="${IMAGE_FILE:-imagedefinitions-${SERVICE}.json}"
image=$(jq -r --arg c "$container" '.[] | select(.name==$c) | .imageUri' "$image_file")
[ -n "$image" ] || { echo "${image_file} names no image for container ${container}" >&2; exit 1; }

base=$(aws ssm get-parameter --name "$parameter" --output json | jq -r .Parameter.Value)
case "$base" in arn:aws*:task-definition/*:*) ;; *) echo "${parameter} holds no task definition ARN (${base})" >&2; exit 1 ;; esac
aws ecs describe-task-definition --task-definition "$base" --include TAGS --output json > base-task-definition.json
jq -e --arg c "$container" 'any(.taskDefinition.containerDefinitions[]; .name == $c)' base-task-definition.json >/dev/null \
  || { echo "${base} has no container ${container}" >&2; exit 1; }

# The registrable fields of the revision code owns (describe returns read-only ones register refuses).
jq --arg c "$container" --arg img "$image" '
  (.tags // []) as $tags
  | .taskDefinition
  | {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints,
     requiresCompatibilities, cpu, memory, pidMode, ipcMode, proxyConfiguration, inferenceAccelerators,
     ephemeralStorage, runtimePlatform}
  | with_entries(select(.value != null))
  | .containerDefinitions |= map(if .name == $c then .image = $img else . end)
  | if ($tags | length) > 0 then .tags = $tags else . end
' base-task-definition.json > register-task-definition.json
revision=$(aws ecs register-task-definition --cli-input-json file://register-task-definition.json --output json | jq -r .taskDefinition.taskDefinitionArn)
echo "${service}: ${base##*/} (code) + ${image} -> ${revision##*/}"

count=()
if $first_release; then
  count=(--desired-count "$desired")
  echo "${service}: first release: ${desired} task(s), autoscaling ${min}..${max}"
fi
aws ecs update-service --cluster "$cluster" --service "$service" --task-definition "$revision" ${count[@]+"${count[@]}"} --output json >/dev/null
aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount \
  --resource-id "$scaling" --min-capacity "$min" --max-capacity "$max" --output json >/dev/null

deadline=$(( $(date +%s) + ${DEPLOY_TIMEOUT_MINUTES:-30} * 60 ))
while :; do
  state=$(aws ecs describe-services --cluster "$cluster" --services "$service" --output json \
    | jq -r '.services[0].deployments[] | select(.status == "PRIMARY") | .rolloutState')
  case "$state" in
    COMPLETED) echo "deployed: ${service} runs ${revision##*/}"; exit 0 ;;
    FAILED)
      if $first_release; then
        # The circuit breaker rolls back to the last completed deployment: the first revision, whose
        # image does not exist, now at the configured count. Put the service back to waiting instead.
        # ("rolled back to the last deployment that completed successfully":
        # https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html)
        aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount \
          --resource-id "$scaling" --min-capacity 0 --max-capacity 0 --output json >/dev/null
        aws ecs update-service --cluster "$cluster" --service "$service" --desired-count 0 --output json >/dev/null
        echo "first release of ${service} failed: it waits again at 0 tasks (autoscaling 0..0) for the next deploy" >&2
        exit 1
      fi
      echo "deployment of ${revision##*/} to ${service} failed (the circuit breaker rolls it back)" >&2; exit 1 ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || { echo "deployment of ${revision##*/} to ${service} not complete after ${DEPLOY_TIMEOUT_MINUTES:-30} minutes" >&2; exit 1; }
  sleep "${POLL_SECONDS:-15}"
done
