#!/usr/bin/env bash
# Pre-release snapshot housekeeping: keep the newest SNAPSHOTS_TO_KEEP manual snapshots this
# pipeline made of the database and delete the older ones. "This pipeline made" means all of:
# the identifier starts with SNAPSHOT_PREFIX (<stage>-pre-release-), and the tags the Snapshot
# step sets say purpose=pre-release and stage=STAGE. Anything else — automated and AWS Backup
# snapshots, someone's manual snapshot, the other stage's pre-release snapshots (staging and prod
# both snapshot prod's database) — is never counted and never deleted. Only snapshots in state
# `available` are deleted (RDS refuses to delete one being created).
#
# Why: manual snapshots are never deleted by RDS and count against a per-Region quota (100 by
# default, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html); at the quota
# CreateDBSnapshot fails (SnapshotQuotaExceeded) and the Snapshot step would block every release.
# Delete: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSnapshot.html
# The role may delete only snapshots named with the prefix AND tagged purpose=pre-release
# (rds:snapshot-tag, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAM.SpecifyingCustomTags.html).
#
# Environment: DB_INSTANCE_ID, SNAPSHOT_PREFIX, STAGE, SNAPSHOTS_TO_KEEP (an integer >= 1).
# Run by buildspecs/db-snapshot.yml after the new snapshot is available; tests/releaseScripts.test.ts.
set -euo pipefail
: "${DB_INSTANCE_ID:?}" "${SNAPSHOT_PREFIX:?}" "${STAGE:?}" "${SNAPSHOTS_TO_KEEP:?}"
case "${SNAPSHOTS_TO_KEEP}" in ''|*[!0-9]*|0) echo "SNAPSHOTS_TO_KEEP must be an integer >= 1 (given: ${SNAPSHOTS_TO_KEEP})" >&2; exit 2 ;; esac

aws rds describe-db-snapshots --db-instance-identifier "${DB_INSTANCE_ID}" --snapshot-type manual --output json > snapshots.json
ours=$(jq -c --arg p "${SNAPSHOT_PREFIX}" --arg stage "${STAGE}" '
  def tag($k): (.TagList // []) | map(select(.Key == $k) | .Value) | first;
  [.DBSnapshots[]
   | select((.DBSnapshotIdentifier | startswith($p)) and tag("purpose") == "pre-release" and tag("stage") == $stage)]
  | sort_by(.SnapshotCreateTime) | reverse' snapshots.json)
total=$(echo "$ours" | jq length)
old=$(echo "$ours" | jq -r --argjson keep "${SNAPSHOTS_TO_KEEP}" '.[$keep:][] | select(.Status == "available") | .DBSnapshotIdentifier')
echo "${DB_INSTANCE_ID}: ${total} pre-release snapshots of ${STAGE}; keeping the newest ${SNAPSHOTS_TO_KEEP}"
for id in $old; do
  aws rds delete-db-snapshot --db-snapshot-identifier "$id" --output json >/dev/null
  echo "deleted ${id}"
done
