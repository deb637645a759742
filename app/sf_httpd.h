/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_HTTPD_H
#define SF_HTTPD_H

/*
 * The HTTP responder of --app http (sf_http.h) as the program runs it:
 * made from the [http] and [route /PATH] sections, its statistics in
 * the exit JSON, the stats line and /synfront/http.
 */

#include <stdio.h>

#include "sf_conf.h"
#include "sf_http.h"

/*
 * Make the responder when the configuration runs app http (a listener or
 * the default); max_conns: the engine's connections, all workers.
 * Returns 0 (also when not needed), or -SF_EXIT_USAGE after naming what
 * was refused.
 */
int sf_httpd_setup(const struct sf_conf *conf, uint32_t max_conns);

/* The responder, or NULL when the configuration has none. */
struct sf_http *sf_httpd(void);

/* The "http" member of the exit JSON (",\n  \"http\": {...}"), if any. */
void sf_httpd_json(FILE *f);

/* A short summary for the stats line ("" when none). */
void sf_httpd_line(char *buf, size_t len);

/* Free it, once the engine is drained. */
void sf_httpd_free(void);

#endif /* SF_HTTPD_H */
