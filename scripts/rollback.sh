#!/usr/bin/env bash
# One-command rollback of a stage's services: redeploys, for each ECS service, the task
# definition revision before the one it runs now (= the previous image digest, since the pipeline
# deploys images by digest), or an explicit revision, and waits until the services are stable.
#
#   scripts/rollback.sh --cluster <cluster> --service <ecs-service> [--service ...] \
#                       [--to-revision <n>] [--dry-run]
#   scripts/rollback.sh --ec2 --group <auto-scaling-group> --parameter <ami parameter> \
#                       [--to-ami <ami-id>] [--dry-run]
#   scripts/rollback.sh --pipeline <pipeline> [--stage Deploy] \
#                       [--cluster <cluster> --service <ecs-service> ...] [--dry-run]
#
# --pipeline: CodePipeline's own stage rollback to the newest earlier successful execution, when
# there is one it accepts. CodePipeline rolls back only to an execution "started in the current
# pipeline structure version" (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html),
# so after a `pulumi up` that changed the pipeline it has nothing to roll back to (RollbackStage
# answers UnableToRollbackStageException). Then, with --cluster/--service, the services go back to
# their previous revisions as below; without, it prints how to re-run an earlier release.
#
# --ec2: writes the AMI the service ran before (the previous value in the parameter's history,
# or --to-ami) back into the stage's AMI parameter, then runs an instance refresh that keeps
# capacity (100 % / 200 %) and waits for Successful. (AWS's own refresh rollback cannot restore
# an AMI resolved from an SSM parameter, so this is the rollback for EC2 services.)
#
# Use it when a release was deployed and must be undone outside the pipeline (the pipeline's own
# rollback is "Reject" on the SignOff approval, or `aws codepipeline rollback-stage`). It rolls
# back the services only: database migrations are NOT undone — restore the pre-release snapshot
# (<stage>-pre-release-<execution id>) for that. See docs/pipeline.md.
set -euo pipefail

usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

cluster="" revision="" dry_run=0 ec2=0 group="" parameter="" to_ami="" pipeline="" stage="Deploy"
services=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ec2) ec2=1; shift ;;
    --pipeline) pipeline="${2:?}"; shift 2 ;;
    --stage) stage="${2:?}"; shift 2 ;;
    --group) group="${2:?}"; shift 2 ;;
    --parameter) parameter="${2:?}"; shift 2 ;;
    --to-ami) to_ami="${2:?}"; shift 2 ;;
    --cluster) cluster="${2:?}"; shift 2 ;;
    --service) services+=("${2:?}"); shift 2 ;;
    --to-revision) revision="${2:?}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done

if [ "$ec2" -eq 1 ]; then
  [ -n "$group" ] && [ -n "$parameter" ] || usage
  current=$(aws ssm get-parameter --name "$parameter" --query Parameter.Value --output text)
  target="$to_ami"
  if [ -z "$target" ]; then
    # The newest value in the parameter's history that differs from the current one.
    target=$(aws ssm get-parameter-history --name "$parameter" --query 'Parameters[].Value' --output text \
      | tr '\t' '\n' | awk -v cur="$current" 'NF { v[n++] = $0 } END { for (i = n - 1; i >= 0; i--) if (v[i] != cur) { print v[i]; exit } }')
  fi
  case "$target" in ami-*) ;; *) echo "$parameter: no earlier AMI than $current in its history (use --to-ami)" >&2; exit 1 ;; esac
  echo "$group: $current -> $target ($parameter)"
  [ "$dry_run" -eq 1 ] && exit 0
  aws ssm put-parameter --name "$parameter" --type String --data-type aws:ec2:image --value "$target" --overwrite >/dev/null
  refresh=$(aws autoscaling start-instance-refresh --auto-scaling-group-name "$group" --strategy Rolling \
    --preferences '{"MinHealthyPercentage":100,"MaxHealthyPercentage":200,"SkipMatching":false}' --query InstanceRefreshId --output text)
  while :; do
    status=$(aws autoscaling describe-instance-refreshes --auto-scaling-group-name "$group" --instance-refresh-ids "$refresh" \
      --query 'InstanceRefreshes[0].Status' --output text)
    echo "$(date -u +%H:%M:%S) $status"
    case "$status" in
      Successful) echo "rolled back: $group runs $target"; exit 0 ;;
      Failed|Cancelled|RollbackSuccessful|RollbackFailed) echo "instance refresh $status; $parameter holds $target" >&2; exit 1 ;;
    esac
    sleep 20
  done
fi

if [ -n "$pipeline" ]; then
  version=$(aws codepipeline get-pipeline --name "$pipeline" --output json | jq -r .pipeline.version)
  current=$(aws codepipeline get-pipeline-state --name "$pipeline" --output json \
    | jq -r --arg s "$stage" '.stageStates[] | select(.stageName == $s) | .latestExecution.pipelineExecutionId // empty')
  target=""
  # Newest first: a successful, non-rollback execution other than the stage's latest, started in
  # the pipeline's current version (the only ones RollbackStage accepts).
  for id in $(aws codepipeline list-pipeline-executions --pipeline-name "$pipeline" --output json \
      | jq -r '.pipelineExecutionSummaries[] | select(.status == "Succeeded" and (.executionType // "STANDARD") != "ROLLBACK") | .pipelineExecutionId'); do
    [ "$id" != "$current" ] || continue
    v=$(aws codepipeline get-pipeline-execution --pipeline-name "$pipeline" --pipeline-execution-id "$id" --output json | jq -r .pipelineExecution.pipelineVersion)
    if [ "$v" = "$version" ]; then target="$id"; break; fi
  done
  if [ -n "$target" ]; then
    echo "$pipeline: rolling stage $stage back to execution $target (pipeline version $version)"
    [ "$dry_run" -eq 1 ] && exit 0
    aws codepipeline rollback-stage --pipeline-name "$pipeline" --stage-name "$stage" --target-pipeline-execution-id "$target" --output json \
      | jq -r '"rollback execution: " + .pipelineExecutionId'
    exit 0
  fi
  echo "$pipeline: no earlier successful execution of pipeline version $version (a pulumi up changed the pipeline since): CodePipeline cannot roll $stage back" >&2
  if [ -z "$cluster" ] || [ "${#services[@]}" -eq 0 ]; then
    echo "Roll the services back with --cluster <cluster> --service <service> ..., or re-run an earlier release:" >&2
    echo "  aws codepipeline start-pipeline-execution --name $pipeline --source-revisions actionName=App,revisionType=COMMIT_ID,revisionValue=<commit>" >&2
    echo "  (prod: actionName=ApprovedRelease,revisionType=S3_OBJECT_VERSION_ID,revisionValue=<release.zip version>)" >&2
    exit 1
  fi
  echo "rolling the services back to their previous revisions instead" >&2
fi

[ -n "$cluster" ] && [ "${#services[@]}" -gt 0 ] || usage

for service in "${services[@]}"; do
  current=$(aws ecs describe-services --cluster "$cluster" --services "$service" \
    --query 'services[0].taskDefinition' --output text)
  case "$current" in arn:aws*:task-definition/*:*) ;; *) echo "$service: no running task definition ($current)" >&2; exit 1 ;; esac
  family_rev="${current##*/}"; family="${family_rev%:*}"; current_rev="${family_rev##*:}"
  if [ -n "$revision" ]; then
    target="${current%/*}/${family}:${revision}"
  else
    # The newest ACTIVE revision older than the running one that a pipeline deployed (its image is
    # a digest): the revision `pulumi up` registers names the bootstrap tag and is never a target.
    target=""
    for candidate in $(aws ecs list-task-definitions --family-prefix "$family" --status ACTIVE --sort DESC \
      --query 'taskDefinitionArns' --output text | tr '\t' '\n' \
      | awk -F: -v cur="$current_rev" '$NF + 0 < cur + 0 { print }'); do
      case "$(aws ecs describe-task-definition --task-definition "$candidate" --query 'taskDefinition.containerDefinitions[0].image' --output text)" in
        *@sha256:*) target="$candidate"; break ;;
      esac
    done
  fi
  [ -n "$target" ] || { echo "$service: no revision of $family older than $current_rev" >&2; exit 1; }
  image=$(aws ecs describe-task-definition --task-definition "$target" \
    --query 'taskDefinition.containerDefinitions[0].image' --output text)
  echo "$service: $family:$current_rev -> ${target##*/} ($image)"
  if [ "$dry_run" -eq 0 ]; then
    aws ecs update-service --cluster "$cluster" --service "$service" --task-definition "$target" >/dev/null
  fi
done

if [ "$dry_run" -eq 0 ]; then
  aws ecs wait services-stable --cluster "$cluster" --services "${services[@]}"
  echo "rolled back: ${services[*]}"
fi
