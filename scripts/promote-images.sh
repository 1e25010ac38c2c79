#!/usr/bin/env bash
# Prod's promote, re-runnable: for each container service, copy the image BY DIGEST that
# release.json names from staging's repository into prod's as `<repo>:<release tag>`, unless
# prod's repository already holds that tag; then write out/imagedefinitions-<service>.json naming
# prod's repository @ that digest.
#
# A CodePipeline stage rollback re-runs the stage with the earlier execution's artifacts, Promote
# included (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html), and a
# retry re-runs it with the same ones. The tag then exists, and ECR's IMMUTABLE repositories refuse
# a push of an existing tag even with the same digest
# (https://github.com/aws/containers-roadmap/issues/2380), so an existing tag is checked instead:
# the same digest -> nothing to push; another digest -> fail (the tag was reused for a different
# image, and prod must not deploy something staging did not approve).
#
# Environment: TARGETS JSON [{"name","repositoryUrl","containerName"}], RELEASE_TAG; release.json
# in the working directory. Run by buildspecs/promote.yml; driven by tests/releaseScripts.test.ts.
set -euo pipefail
: "${TARGETS:?TARGETS is required}" "${RELEASE_TAG:?RELEASE_TAG is required}"
test -f release.json || { echo "release.json missing from the promoted artifact" >&2; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/ecr-image-digest.sh"

mkdir -p out
for svc in $(echo "${TARGETS}" | jq -r '.[].name'); do
  src=$(jq -r --arg s "$svc" '.images[$s].imageUri // empty' release.json)
  digest=$(jq -r --arg s "$svc" '.images[$s].digest // empty' release.json)
  [ -n "$src" ] && [ -n "$digest" ] || { echo "release ${RELEASE_TAG} has no image for ${svc}" >&2; exit 1; }
  repo=$(echo "${TARGETS}" | jq -r --arg s "$svc" '.[] | select(.name==$s) | .repositoryUrl')
  container=$(echo "${TARGETS}" | jq -r --arg s "$svc" '.[] | select(.name==$s) | .containerName')
  existing=$(image_digest "${repo#*/}" "${RELEASE_TAG}")
  if [ -z "$existing" ]; then
    docker pull "$src"
    docker tag "$src" "${repo}:${RELEASE_TAG}"
    docker push "${repo}:${RELEASE_TAG}"
    existing=$(image_digest "${repo#*/}" "${RELEASE_TAG}")
  else
    echo "${svc}: ${repo}:${RELEASE_TAG} exists (${existing}); not pushed again"
  fi
  [ "$existing" = "$digest" ] || { echo "digest changed for ${svc}: ${repo}:${RELEASE_TAG} is ${existing:-missing}, the release names ${digest}" >&2; exit 1; }
  printf '[{"name":"%s","imageUri":"%s@%s"}]\n' "$container" "$repo" "$digest" > "out/imagedefinitions-${svc}.json"
done
