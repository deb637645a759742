/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The HTTP responder as synfront runs it (sf_httpd.h): one responder
 * for every listener with app http, made before the listeners.
 */

#include <errno.h>
#include <inttypes.h>
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

/* /synfront/http: the responder's statistics and routes. */
static int
sf_httpd_tel(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_http_stats st;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (sf_httpd_h == NULL)
		return -ENOENT;
	sf_http_stats_get(sf_httpd_h, &st);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "conns", st.conns);
	rte_tel_data_add_dict_u64(d, "requests", st.requests);
	rte_tel_data_add_dict_u64(d, "resp_2xx", st.resp[2]);
	rte_tel_data_add_dict_u64(d, "resp_3xx", st.resp[3]);
	rte_tel_data_add_dict_u64(d, "resp_4xx", st.resp[4]);
	rte_tel_data_add_dict_u64(d, "resp_5xx", st.resp[5]);
	rte_tel_data_add_dict_u64(d, "keepalive_reuse", st.keepalive_reuse);
	rte_tel_data_add_dict_u64(d, "pipelined", st.pipelined);
	rte_tel_data_add_dict_u64(d, "parse_errors", st.parse_errors);
	rte_tel_data_add_dict_u64(d, "body_bytes", st.body_bytes);
	rte_tel_data_add_dict_u64(d, "timeouts", st.timeouts);
	rte_tel_data_add_dict_u64(d, "resp_bytes", st.resp_bytes);
	rte_tel_data_add_dict_u64(d, "send_fail", st.send_fail);
	rte_tel_data_add_dict_u64(d, "no_state", st.no_state);
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

	if (sf_httpd_h == NULL)
		return;
	sf_http_stats_get(sf_httpd_h, &st);
	fprintf(f, ",\n  \"http\": {\"conns\": %" PRIu64 ", \"requests\": %"
		PRIu64 ", \"resp_2xx\": %" PRIu64 ", \"resp_3xx\": %" PRIu64
		", \"resp_4xx\": %" PRIu64 ", \"resp_5xx\": %" PRIu64
		", \"keepalive_reuse\": %" PRIu64 ", \"pipelined\": %" PRIu64
		", \"parse_errors\": %" PRIu64 ", \"body_bytes\": %" PRIu64
		", \"timeouts\": %" PRIu64 ", \"resp_bytes\": %" PRIu64
		", \"send_fail\": %" PRIu64 ", \"no_state\": %" PRIu64 "}",
		st.conns, st.requests, st.resp[2], st.resp[3], st.resp[4],
		st.resp[5], st.keepalive_reuse, st.pipelined,
		st.parse_errors, st.body_bytes, st.timeouts, st.resp_bytes,
		st.send_fail, st.no_state);
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
