#!/usr/bin/env bash
# One-command rollback of a stage's services: redeploys, for each ECS service, the task
# definition revision before the one it runs now (= the previous image digest, since the pipeline
# deploys images by digest), or an explicit revision, and waits until the services are stable.
#
#   scripts/rollback.sh --cluster <cluster> --service <ecs-service> [--service ...] \
#                       [--to-revision <n>] [--dry-run]
#
# Use it when a release was deployed and must be undone outside the pipeline (the pipeline's own
# rollback is "Reject" on the SignOff approval, or `aws codepipeline rollback-stage`). It rolls
# back the services only: database migrations are NOT undone — restore the pre-release snapshot
# (<stage>-pre-release-<execution id>) for that. See docs/pipeline.md.
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

cluster="" revision="" dry_run=0
services=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) cluster="${2:?}"; shift 2 ;;
    --service) services+=("${2:?}"); shift 2 ;;
    --to-revision) revision="${2:?}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$cluster" ] && [ "${#services[@]}" -gt 0 ] || usage

for service in "${services[@]}"; do
  current=$(aws ecs describe-services --cluster "$cluster" --services "$service" \
    --query 'services[0].taskDefinition' --output text)
  case "$current" in arn:aws*:task-definition/*:*) ;; *) echo "$service: no running task definition ($current)" >&2; exit 1 ;; esac
  family_rev="${current##*/}"; family="${family_rev%:*}"; current_rev="${family_rev##*:}"
  if [ -n "$revision" ]; then
    target="${current%/*}/${family}:${revision}"
  else
    # The newest ACTIVE revision older than the running one.
    target=$(aws ecs list-task-definitions --family-prefix "$family" --status ACTIVE --sort DESC \
      --query 'taskDefinitionArns' --output text | tr '\t' '\n' \
      | awk -F: -v cur="$current_rev" '$NF + 0 < cur + 0 { print; exit }')
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
