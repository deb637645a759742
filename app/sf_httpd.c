/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The HTTP responder as synfront runs it (sf_httpd.h): one responder
 * for every listener with app http, made before the listeners.
 */

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_log.h>
#include <rte_telemetry.h>

#include "sf_httpd.h"

static struct sf_http *sf_httpd_h;

struct sf_http *
sf_httpd(void)
{
	return sf_httpd_h;
}

/* Whether the configuration runs app http. */
static bool
sf_httpd_wanted(const struct sf_conf *conf)
{
	unsigned int i;

	if (conf->app == SF_BUILTIN_HTTP)
		return true;
	for (i = 0; i < conf->nb_listen; i++)
		if (conf->listen[i].ls_s.app == SF_BUILTIN_HTTP)
			return true;
	return false;
}

/* The statistics by name, for telemetry and the exit JSON alike. */
static const struct {
	const char *name;
	size_t off;
} sf_httpd_fields[] = {
#define SF_HF(n, f) { n, offsetof(struct sf_http_stats, f) }
	SF_HF("conns", conns), SF_HF("requests", requests),
	SF_HF("resp_2xx", resp[2]), SF_HF("resp_3xx", resp[3]),
	SF_HF("resp_4xx", resp[4]), SF_HF("resp_5xx", resp[5]),
	SF_HF("keepalive_reuse", keepalive_reuse),
	SF_HF("pipelined", pipelined), SF_HF("parse_errors", parse_errors),
	SF_HF("body_bytes", body_bytes), SF_HF("timeouts", timeouts),
	SF_HF("resp_bytes", resp_bytes), SF_HF("send_fail", send_fail),
	SF_HF("no_state", no_state),
#undef SF_HF
};

static inline uint64_t
sf_httpd_field(const struct sf_http_stats *st, unsigned int i)
{
	return *(const uint64_t *)((const uint8_t *)st +
		sf_httpd_fields[i].off);
}

/* /synfront/http: the responder's statistics. */
static int
sf_httpd_tel(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_http_stats st;
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (sf_httpd_h == NULL)
		return -ENOENT;
	sf_http_stats_get(sf_httpd_h, &st);
	rte_tel_data_start_dict(d);
	for (i = 0; i < RTE_DIM(sf_httpd_fields); i++)
		rte_tel_data_add_dict_u64(d, sf_httpd_fields[i].name,
			sf_httpd_field(&st, i));
	return 0;
}

int
sf_httpd_setup(const struct sf_conf *conf, uint32_t max_conns)
{
	const struct sf_http_conf *hc = &conf->http;
	struct sf_http_params p;
	struct sf_http_route r;
	unsigned int i;
	int rc;

	if (!sf_httpd_wanted(conf))
		return 0;
	sf_http_params_init(&p);
	p.server = hc->server;
	p.max_header_bytes = hc->max_header_bytes;
	p.max_body_bytes = hc->max_body_bytes;
	p.idle_timeout_ms = hc->keepalive_timeout_ms;
	p.max_requests = hc->keepalive_requests;
	p.max_conns = max_conns;
	p.socket_id = (int)rte_socket_id();
	sf_httpd_h = sf_http_create(&p);
	if (sf_httpd_h == NULL) {
		fprintf(stderr, "synfront: app http: the responder could not "
			"be made: %s\n", rte_strerror(rte_errno));
		return -SF_EXIT_USAGE;
	}
	for (i = 0; i < hc->nb_routes; i++) {
		const struct sf_http_route_conf *rc_ = &hc->routes[i];

		memset(&r, 0, sizeof(r));
		r.path = rc_->hr_path;
		r.status = (uint16_t)rc_->hr_status;
		r.content_type = rc_->hr_ctype[0] ? rc_->hr_ctype : NULL;
		r.body = rc_->hr_body;
		r.body_len = rc_->hr_body_len;
		r.headers = rc_->hr_headers[0] ? rc_->hr_headers : NULL;
		rc = sf_http_route_add(sf_httpd_h, &r);
		if (rc != 0) {
			fprintf(stderr, "synfront: [route %s] refused: %s\n",
				rc_->hr_path, rc == -EINVAL ?
				"a path, header or content type the responder "
				"cannot send (docs/http.md)" : strerror(-rc));
			sf_httpd_free();
			return -SF_EXIT_USAGE;
		}
	}
	rte_telemetry_register_cmd("/synfront/http", sf_httpd_tel,
		"HTTP responder: requests, responses by class, errors. "
		"No parameters");
	return 0;
}

void
sf_httpd_json(FILE *f)
{
	struct sf_http_stats st;
	unsigned int i;

	if (sf_httpd_h == NULL)
		return;
	sf_http_stats_get(sf_httpd_h, &st);
	fprintf(f, ",\n  \"http\": {");
	for (i = 0; i < RTE_DIM(sf_httpd_fields); i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "",
			sf_httpd_fields[i].name, sf_httpd_field(&st, i));
	fprintf(f, "}");
}

void
sf_httpd_line(char *buf, size_t len)
{
	struct sf_http_stats st;

	buf[0] = '\0';
	if (sf_httpd_h == NULL)
		return;
	sf_http_stats_get(sf_httpd_h, &st);
	snprintf(buf, len, " | http %" PRIu64 " req (%" PRIu64 " 2xx, %" PRIu64
		" 4xx)", st.requests, st.resp[2], st.resp[4]);
}

void
sf_httpd_free(void)
{
	sf_http_free(sf_httpd_h);
	sf_httpd_h = NULL;
}
