#!/usr/bin/env bash
# Build once, and only once per commit: for each container service, docker build + push
# `<repo>:<commit>` UNLESS that tag already exists, then write imagedefinitions-<service>.json
# naming the image BY DIGEST and digests.json (service -> repository, digest, container).
#
# Why the check: the repositories are IMMUTABLE and ECR refuses a push of a tag that exists, even
# with the same digest (https://github.com/aws/containers-roadmap/issues/2380; AWS's advice in
# https://github.com/aws/aws-sdk/issues/750 is "check if an image exists before calling
# put-image"). A commit that was already built (staging's 1st/15th run on an unmoved `main`, a
# release tag on a commit the schedule built, "Release change") reuses the image that exists.
# Tag immutability: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
#
# Environment: SERVICES  JSON [{"name","repositoryUrl","containerName","context","dockerfile"}]
#              COMMIT_SHA the commit being built
# Run by buildspecs/build.yml; driven by tests/releaseScripts.test.ts with stand-in aws/docker.
set -euo pipefail
: "${SERVICES:?SERVICES is required}" "${COMMIT_SHA:?COMMIT_SHA is required}"

source "$(dirname "${BASH_SOURCE[0]}")/ecr-image-digest.sh"

echo '{}' > digests.json
for svc in $(echo "${SERVICES}" | jq -r '.[].name'); do
  spec=$(echo "${SERVICES}" | jq -c --arg s "$svc" '.[] | select(.name==$s)')
  repo=$(echo "$spec" | jq -r .repositoryUrl)
  container=$(echo "$spec" | jq -r .containerName)
  digest=$(image_digest "${repo#*/}" "${COMMIT_SHA}")
  if [ -n "$digest" ]; then
    echo "${svc}: ${repo}:${COMMIT_SHA} exists (${digest}); not rebuilt, not pushed"
  else
    docker build --pull -t "${repo}:${COMMIT_SHA}" -f "$(echo "$spec" | jq -r .dockerfile)" "$(echo "$spec" | jq -r .context)"
    docker push "${repo}:${COMMIT_SHA}"
    digest=$(image_digest "${repo#*/}" "${COMMIT_SHA}")
  fi
  case "$digest" in sha256:*) ;; *) echo "no digest for ${svc} (${repo}:${COMMIT_SHA})" >&2; exit 1 ;; esac
  printf '[{"name":"%s","imageUri":"%s@%s"}]\n' "$container" "$repo" "$digest" > "imagedefinitions-${svc}.json"
  jq --arg s "$svc" --arg r "$repo" --arg d "$digest" --arg c "$container" \
    '.[$s] = {repositoryUrl: $r, digest: $d, containerName: $c, imageUri: ($r + "@" + $d)}' digests.json > digests.tmp
  mv digests.tmp digests.json
done
