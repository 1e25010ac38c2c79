# Shared by build-images.sh and promote-images.sh (inlined in their place by components/pipeline/scripts.ts).
# ECR refuses to push a tag an IMMUTABLE repository holds, even with the same digest
# (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html), so each
# script asks first.

# image_digest <repository name> <tag>: prints the digest, or nothing when the tag does not exist.
# Any other error (access denied, throttling) fails the step rather than guessing.
image_digest() {
  local err out
  err=$(mktemp)
  if out=$(aws ecr describe-images --repository-name "$1" --image-ids imageTag="$2" --output json 2>"$err"); then
    rm -f "$err"; echo "$out" | jq -r '.imageDetails[0].imageDigest'
  elif grep -q ImageNotFoundException "$err"; then
    rm -f "$err"
  else
    cat "$err" >&2; rm -f "$err"; return 1
  fi
}
