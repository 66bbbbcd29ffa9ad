/*
 * fuzz_cgroup_files.c - libFuzzer target: the cgroup parsers of src/cgroups.c on one input:
 * km_parse_cgroup_mounts (mountinfo), km_parse_cgroup_stat (memory.stat, cgroup.stat),
 * km_parse_cgroup_value (memory.current, memory.kmem.*) and km_parse_proc_cgroups.
 */
#include "kmemtop/cgroups.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct km_perr pe = {0};
    struct km_cg_mount m;
    int rc = km_parse_cgroup_mounts(p, size, &m, &pe);
    fz_check_perr(rc, &pe, p, size);
    if (rc == 0) {
        FZ_CHECK(m.hier == KM_CG_NONE || m.hier == KM_CG_V1 || m.hier == KM_CG_V2, "hierarchy %d",
                 (int)m.hier);
        FZ_CHECK(memchr(m.point, '\0', sizeof(m.point)) && memchr(m.root, '\0', sizeof(m.root)),
                 "mount point not terminated");
    }
    int64_t v[KM_CGF_N];
    for (int i = 0; i < KM_CGF_N; i++)
        v[i] = KM_NA;
    bool kernel;
    memset(&pe, 0, sizeof(pe));
    rc = km_parse_cgroup_stat(p, size, v, &kernel, &pe);
    fz_check_perr(rc, &pe, p, size);
    for (int i = 0; i < KM_CGF_N; i++)
        FZ_CHECK(KM_IS_NA(v[i]) || v[i] >= 0, "field %d negative: %lld", i, (long long)v[i]);
    int64_t one = 0;
    memset(&pe, 0, sizeof(pe));
    rc = km_parse_cgroup_value(p, size, &one, &pe);
    fz_check_perr(rc, &pe, p, size);
    FZ_CHECK(rc != 0 || one >= 0, "value negative");
    km_parse_proc_cgroups(p, size, &one, NULL);
    FZ_CHECK(KM_IS_NA(one) || one >= 0, "num_cgroups negative");
    return 0;
}
