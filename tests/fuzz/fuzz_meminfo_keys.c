/*
 * fuzz_meminfo_keys.c - libFuzzer target: km_meminfo_has_key, the one pure
 * function of meminfo.c (the file itself is parsed by libproc2), against a
 * plain reimplementation of its contract: some line starts with "key:".
 */
#include "kmemtop/meminfo.h"

#include "fz.h"

static int has_key_ref(const char *p, size_t len, const char *key)
{
    size_t kl = strlen(key);
    if (kl && key[kl - 1] == ':')
        kl--;
    for (size_t s = 0; s < len;) {
        size_t e = s;
        while (e < len && p[e] != '\n')
            e++;
        if (e - s > kl && memcmp(p + s, key, kl) == 0 && p[s + kl] == ':')
            return 1;
        s = e + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {
        "MemTotal", "Percpu", "ShadowCallStack:", "SecPageTables", "KReclaimable", "Mem", "", ":"};
    const char *p = (const char *)data;
    for (size_t k = 0; k < KM_ARRAY_LEN(keys); k++) {
        int want = has_key_ref(p, size, keys[k]);
        FZ_CHECK(km_meminfo_has_key(p, size, keys[k]) == want, "key \"%s\": want %d", keys[k],
                 want);
    }
    return 0;
}
