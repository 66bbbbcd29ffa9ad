/*
 * serve.h - --listen ADDR:PORT: Prometheus metrics over HTTP with
 * libmicrohttpd. GET / (a short page) and GET /metrics only: other paths
 * are 404, other methods 405; connections at once, their memory (so
 * request headers) and their idle time are bounded. A scrape samples
 * unless the last sample is younger than --scrape-interval-min, so that
 * scrapes close together share one sample. One thread (libmicrohttpd's)
 * samples and answers; the caller's waits for a signal.
 */
#ifndef KM_UI_SERVE_H
#define KM_UI_SERVE_H

#include "export.h"

/* Serves until SIGINT or SIGTERM; 0, or -1 with msg (the address could not be bound). */
int km_serve(struct km_export *e, char *msg, size_t msgsz);

#endif
