#!/bin/sh
# --format json on every fixture: valid JSON Lines with the documented keys.
. "$(dirname "$0")/lib.sh"
cd "$FIX"
keys='.kernel and (.page_size|type=="number") and (.summary|type=="object")
 and all(.modules,.nodes,.buddy,.slabs,.vmstat,.vmalloc; (.status|IN("ok","missing","denied","error")) and (.rows|type=="array")
        and (if .status=="ok" then true else (.reason|type=="string") end))
 and ([.summary|keys[]]|contains(["status"]))'
for fx in $(ls -d */ | tr -d /); do
    frames=1; once=-o; case $fx in series-*) frames=$(ls -d "$fx"/*/ | wc -l); once=-b;; esac
    out=$("$KMEMTOP" --root "$fx" $once --format json 2>"$TMP/err")
    rc=$?
    [ $rc -eq 0 ] || { nok "$fx: exit $rc" "$(cat "$TMP/err")"; continue; }
    lines=$(printf '%s\n' "$out" | wc -l)
    is "$fx: $frames JSON line(s)" "$lines" "$frames"
    # every frame (jq -e alone would judge by the last), and strictly valid UTF-8
    if printf '%s\n' "$out" | jq -s -e "all(.[]; $keys)" >/dev/null 2>"$TMP/jq" &&
       printf '%s\n' "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>>"$TMP/jq"; then ok "$fx: valid JSON with the documented keys"
    else nok "$fx: JSON check failed" "$(cat "$TMP/jq"; printf '%s\n' "$out" | head -c 600)"; fi
done
# rows carry the documented fields where the source is ok
"$KMEMTOP" --root debian61-root -o --format json > "$TMP/out.json"
check "modules rows have name,size,refcount,used_by,state,taint" jq -e '.modules.rows|length>0 and all(.[]; has("name") and has("size") and has("refcount") and (.used_by|type=="array") and has("state") and has("taint"))' "$TMP/out.json"
check "nodes rows have zones with watermarks" jq -e '.nodes.rows|length==2 and all(.[]; has("node") and has("cpus") and has("mem_total") and has("numa_hit") and (.zones|all(.[]; has("zone") and has("free") and has("min") and has("managed"))))' "$TMP/out.json"
check "buddy rows have free[] and free_pages" jq -e '.buddy.rows|length==3 and all(.[]; (.free|length==11) and (.free_pages|type=="number"))' "$TMP/out.json"
check "vmalloc rows have caller,module,areas,bytes,ram,pages,kinds,nodes" jq -e '.vmalloc.rows|length>20 and all(.[]; (.caller|type=="string") and has("module") and (.areas>0) and has("bytes") and has("ram") and has("pages") and (.kinds|type=="array") and (.nodes|type=="array"))' "$TMP/out.json"
check "slab rows sorted by footprint, largest first" jq -e '[.slabs.rows[].footprint] as $f | ($f|length>100) and ($f == ($f|sort|reverse))' "$TMP/out.json"
done_testing
