/* serve.c - --listen: /metrics over HTTP with libmicrohttpd. See serve.h. */
#include "serve.h"
#include "fmt.h"

#include "kmemtop/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define CONN_MEMORY (16 * 1024) /* a request's headers must fit in it (else 431) */
#define CONN_TIMEOUT 10         /* seconds a connection may stay idle */

static const char index_page[] =
    "<html><head><title>kmemtop</title></head><body><h1>kmemtop</h1>"
    "<p>The memory the Linux kernel keeps for itself, as Prometheus metrics: "
    "<a href=\"/metrics\">/metrics</a></p></body></html>\n";

struct server {
    struct km_export *e;
    double last; /* km_now() of the last sample; < 0 none */
    bool failed;
    char msg[512];
};

static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
    stop_sig = sig;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             const char *body, size_t len, bool allow)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result text(struct MHD_Connection *conn, unsigned status, const char *body,
                            bool allow)
{
    return reply(conn, status, "text/plain; charset=utf-8", body, strlen(body), allow);
}

/* A sample unless the last one is young enough to share. */
static void sample(struct server *sv)
{
    double now = km_now();
    if (sv->e->text && sv->last >= 0 && now - sv->last < sv->e->a->o.min_scrape)
        return;
    int rc = km_export_tick(sv->e, sv->msg, sizeof(sv->msg));
    sv->failed = rc < 0;
    sv->last = now;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **req)
{
    struct server *sv = cls;
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
               strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (!get)
        return text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n", true);
    if (*upload_size) { /* a body with a GET: not read, refused */
        *upload_size = 0;
        return text(conn, MHD_HTTP_BAD_REQUEST, "no body expected\n", false);
    }
    if (strcmp(url, "/") == 0)
        return reply(conn, MHD_HTTP_OK, "text/html; charset=utf-8", index_page,
                     sizeof(index_page) - 1, false);
    if (strcmp(url, "/metrics") != 0)
        return text(conn, MHD_HTTP_NOT_FOUND, "not found: see /metrics\n", false);
    sample(sv);
    if (sv->failed || !sv->e->text) {
        char buf[600];
        km_sanitize(buf, sizeof(buf), sv->msg);
        strcat(buf, "\n");
        return text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, buf, false);
    }
    return reply(conn, MHD_HTTP_OK, CONTENT_TYPE, sv->e->text, sv->e->len, false);
}

/* "[::1]:9100", "0.0.0.0:9100", "9100" (127.0.0.1) into ss. */
static int parse_addr(const char *arg, struct sockaddr_storage *ss, socklen_t *len, bool *v6)
{
    char host[128] = "127.0.0.1";
    const char *colon = strrchr(arg, ':'), *port = colon ? colon + 1 : arg;
    if (colon) {
        size_t n = (size_t)(colon - arg);
        if (n >= sizeof(host))
            return -1;
        snprintf(host, sizeof(host), "%.*s", (int)n, arg);
        if (host[0] == '[' && n >= 2 && host[n - 1] == ']') {
            memmove(host, host + 1, n - 2);
            host[n - 2] = '\0';
        }
    }
    int p = atoi(port);
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)p);
        *len = sizeof(*a4);
        *v6 = false;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)p);
        *len = sizeof(*a6);
        *v6 = true;
        return 0;
    }
    return -1;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    (void)fmt;
    (void)ap; /* refused connections and bad requests are the clients' business */
}

int km_serve(struct km_export *e, char *msg, size_t msgsz)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    bool v6;
    if (parse_addr(e->a->o.listen, &ss, &sl, &v6) < 0) {
        snprintf(msg, msgsz, "--listen %s: not an IPv4 or [IPv6] address", e->a->o.listen);
        return -1;
    }
    struct server sv = {.e = e, .last = -1};
    /* the signals stay blocked in libmicrohttpd's thread, and come to this one's sigsuspend */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    struct sigaction sa = {.sa_handler = on_stop};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigprocmask(SIG_BLOCK, &stop, &old);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (v6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, handler, &sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)e->a->o.max_conns, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)CONN_TIMEOUT, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
    if (!d) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        snprintf(msg, msgsz, "--listen %s: cannot listen there (%s)", e->a->o.listen,
                 errno ? strerror(errno) : "libmicrohttpd refused");
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char shown[128];
    km_sanitize(shown, sizeof(shown), e->a->o.listen);
    char *colon = strrchr(shown, ':');
    if (colon)
        *colon = '\0';
    printf("kmemtop: serving http://%s:%u/metrics\n", colon ? shown : "127.0.0.1",
           info ? (unsigned)info->port : 0);
    fflush(stdout);
    sigset_t wait = old;
    sigdelset(&wait, SIGINT);
    sigdelset(&wait, SIGTERM);
    while (!stop_sig)
        sigsuspend(&wait);
    MHD_stop_daemon(d);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return 0;
}
