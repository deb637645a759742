/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The built-in client (sf_client.h). The main lcore opens connections
 * over the workers' connect rings (sf_engine_connect() from outside a
 * poll), in turn over the workers, while fewer than --connect-parallel
 * are unfinished; each connection's callbacks run on the worker that
 * owns it. A connection keeps how many bytes came back in its user
 * pointer (with SF_CL_DONE once it counted as finished), so the bytes
 * back are checked against what it sent, in order, without state of its
 * own. Finishing counts once: completed (every byte back, or none to
 * send; then closed: FIN, TIME-WAIT here), or failed with the reason
 * on_close gave (refused, timeout, unreachable, reset, the peer's FIN
 * before every byte came back).
 *
 * A run is --connect-conns connections from the start (0: none), or N
 * asked with /synfront/client,run,N[,P] once the last one is over (tests
 * start synfront before the peer's side of the link is up).
 */

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_telemetry.h>

#include "sf_client.h"

#define SF_CL_DONE ((uintptr_t)1 << (sizeof(uintptr_t) * 8 - 1))

static struct {
	bool on;
	struct sf_engine *eng;
	const struct sf_conf *conf;
	struct sf_connect_params p;
	uint64_t target, parallel;    /* this run's (main lcore) */
	uint64_t launched;            /* main lcore only */
	/* a run asked over telemetry: target and parallel, then go (1) */
	uint64_t next_target, next_parallel;
	uint32_t next_go;
	uint64_t t_first, t_last;     /* TSC */
	/* written by the workers' callbacks */
	uint64_t inflight;
	uint64_t connected, completed, failed, start_errors, mismatch;
	uint64_t tx_bytes, rx_bytes;
	uint64_t why[SF_CLOSE_MAX];
	bool logged;
} sf_cl;

static inline void
sf_cl_add(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

/* A connection finished: counted once, and room for the next. */
static void
sf_cl_finish(struct sf_conn *c, bool ok, enum sf_close_reason why)
{
	if (c != NULL)
		sf_conn_set_user(c, (void *)((uintptr_t)sf_conn_get_user(c) |
			SF_CL_DONE));
	if (ok) {
		sf_cl_add(&sf_cl.completed, 1);
	} else {
		sf_cl_add(&sf_cl.failed, 1);
		sf_cl_add(&sf_cl.why[why], 1);
	}
	__atomic_store_n(&sf_cl.t_last, rte_rdtsc(), __ATOMIC_RELAXED);
	sf_cl_add(&sf_cl.inflight, (uint64_t)-1);
}

static void
sf_cl_connected(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	const struct sf_conf *conf = sf_cl.conf;
	int ret;

	RTE_SET_USED(ci);
	RTE_SET_USED(arg);
	sf_cl_add(&sf_cl.connected, 1);
	sf_conn_set_user(c, NULL);
	if (conf->connect_send_len == 0) {
		sf_cl_finish(c, true, SF_CLOSE_DONE);
		sf_conn_close(c);
		return;
	}
	ret = sf_conn_send(c, conf->connect_send, conf->connect_send_len);
	if (ret != (int)conf->connect_send_len) {
		/* The send budget is far larger: a send short of mbufs. */
		sf_cl_finish(c, false, SF_CLOSE_ABORT);
		sf_conn_reset(c);
		return;
	}
	sf_cl_add(&sf_cl.tx_bytes, (uint64_t)ret);
}

static void
sf_cl_data(struct sf_conn *c, const struct sf_conn_data *d, void *arg)
{
	const struct sf_conf *conf = sf_cl.conf;
	uintptr_t got = (uintptr_t)sf_conn_get_user(c);

	RTE_SET_USED(arg);
	sf_cl_add(&sf_cl.rx_bytes, d->len);
	if (got & SF_CL_DONE)
		return;
	if (got + d->len > conf->connect_send_len ||
	    memcmp(d->data, conf->connect_send + got, d->len) != 0) {
		sf_cl_add(&sf_cl.mismatch, 1);
		sf_cl_finish(c, false, SF_CLOSE_RESET);
		sf_conn_reset(c);
		return;
	}
	got += d->len;
	sf_conn_set_user(c, (void *)got);
	if (got == conf->connect_send_len) {
		sf_cl_finish(c, true, SF_CLOSE_DONE);
		sf_conn_close(c);
	}
}

static void
sf_cl_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	RTE_SET_USED(arg);
	if (c != NULL && ((uintptr_t)sf_conn_get_user(c) & SF_CL_DONE))
		return;
	sf_cl_finish(c, false, why);
	/* The peer closed first: close too, as read() returning 0. */
	if (c != NULL && why == SF_CLOSE_PEER_FIN)
		sf_conn_close(c);
}

bool
sf_client_on(void)
{
	return sf_cl.on;
}

void
sf_client_tally(struct sf_client_tally *t)
{
	unsigned int i;
	uint64_t first = sf_cl.t_first, last;

	memset(t, 0, sizeof(*t));
	if (!sf_cl.on)
		return;
	t->ct_target = __atomic_load_n(&sf_cl.target, __ATOMIC_RELAXED);
	t->ct_launched = __atomic_load_n(&sf_cl.launched, __ATOMIC_RELAXED);
	t->ct_inflight = __atomic_load_n(&sf_cl.inflight, __ATOMIC_RELAXED);
	t->ct_connected = __atomic_load_n(&sf_cl.connected, __ATOMIC_RELAXED);
	t->ct_completed = __atomic_load_n(&sf_cl.completed, __ATOMIC_RELAXED);
	t->ct_failed = __atomic_load_n(&sf_cl.failed, __ATOMIC_RELAXED);
	for (i = 0; i < SF_CLOSE_MAX; i++)
		t->ct_why[i] = __atomic_load_n(&sf_cl.why[i],
			__ATOMIC_RELAXED);
	t->ct_start_errors = __atomic_load_n(&sf_cl.start_errors,
		__ATOMIC_RELAXED);
	t->ct_mismatch = __atomic_load_n(&sf_cl.mismatch, __ATOMIC_RELAXED);
	t->ct_tx_bytes = __atomic_load_n(&sf_cl.tx_bytes, __ATOMIC_RELAXED);
	t->ct_rx_bytes = __atomic_load_n(&sf_cl.rx_bytes, __ATOMIC_RELAXED);
	last = __atomic_load_n(&sf_cl.t_last, __ATOMIC_RELAXED);
	if (first != 0 && last > first)
		t->ct_seconds = (double)(last - first) / rte_get_tsc_hz();
}

/*
 * A new run asked over telemetry, once the last one is over: the tally
 * starts again (callbacks of the last run that come late count nothing:
 * their connections were finished).
 */
static void
sf_client_next_run(void)
{
	unsigned int i;

	sf_cl.launched = 0;
	sf_cl.t_first = sf_cl.t_last = 0;
	sf_cl.connected = sf_cl.completed = sf_cl.failed = 0;
	sf_cl.start_errors = sf_cl.mismatch = 0;
	sf_cl.tx_bytes = sf_cl.rx_bytes = 0;
	for (i = 0; i < SF_CLOSE_MAX; i++)
		sf_cl.why[i] = 0;
	sf_cl.logged = false;
	sf_cl.parallel = __atomic_load_n(&sf_cl.next_parallel,
		__ATOMIC_RELAXED);
	__atomic_store_n(&sf_cl.target, __atomic_load_n(&sf_cl.next_target,
		__ATOMIC_RELAXED), __ATOMIC_RELAXED);
	__atomic_store_n(&sf_cl.next_go, 0, __ATOMIC_RELEASE);
}

void
sf_client_poll(void)
{
	struct sf_client_tally t;
	int ret;

	if (!sf_cl.on)
		return;
	if (unlikely(__atomic_load_n(&sf_cl.next_go, __ATOMIC_ACQUIRE)))
		sf_client_next_run();
	while (sf_cl.launched < sf_cl.target &&
	       __atomic_load_n(&sf_cl.inflight, __ATOMIC_RELAXED) <
	       sf_cl.parallel) {
		if (sf_cl.t_first == 0)
			sf_cl.t_first = rte_rdtsc();
		sf_cl_add(&sf_cl.inflight, 1);
		ret = sf_engine_connect(sf_cl.eng, &sf_cl.p, NULL);
		if (ret == -ENOBUFS) {
			/* The connect rings are full: next loop. */
			sf_cl_add(&sf_cl.inflight, (uint64_t)-1);
			break;
		}
		__atomic_store_n(&sf_cl.launched, sf_cl.launched + 1,
			__ATOMIC_RELAXED);
		if (ret != -EINPROGRESS && ret != 0) {
			sf_cl_add(&sf_cl.start_errors, 1);
			sf_cl_finish(NULL, false, SF_CLOSE_ABORT);
		}
	}
	if (!sf_cl.logged && sf_cl.target != 0 &&
	    sf_cl.launched == sf_cl.target &&
	    __atomic_load_n(&sf_cl.inflight, __ATOMIC_ACQUIRE) == 0) {
		sf_cl.logged = true;
		sf_client_tally(&t);
		RTE_LOG(INFO, USER1, "synfront: client: %" PRIu64 " of %"
			PRIu64 " connections completed, %" PRIu64
			" failed, in %.3f s\n", t.ct_completed, t.ct_target,
			t.ct_failed, t.ct_seconds);
	}
}

/* The tally's counts by name: the exit JSON and telemetry list them. */
static const struct {
	const char *name;
	size_t off;
} sf_cl_fields[] = {
#define SF_CL_FIELD(f) { #f, offsetof(struct sf_client_tally, ct_ ## f) }
	SF_CL_FIELD(target), SF_CL_FIELD(launched), SF_CL_FIELD(inflight),
	SF_CL_FIELD(connected), SF_CL_FIELD(completed), SF_CL_FIELD(failed),
	SF_CL_FIELD(start_errors), SF_CL_FIELD(mismatch),
	SF_CL_FIELD(tx_bytes), SF_CL_FIELD(rx_bytes),
#undef SF_CL_FIELD
};

static uint64_t
sf_cl_field(const struct sf_client_tally *t, unsigned int i)
{
	return *(const uint64_t *)((const char *)t + sf_cl_fields[i].off);
}

/* The tally as a JSON object (no newline). */
static void
sf_client_json_obj(FILE *f, const struct sf_client_tally *t)
{
	unsigned int i;

	fprintf(f, "{");
	for (i = 0; i < RTE_DIM(sf_cl_fields); i++)
		fprintf(f, "\"%s\": %" PRIu64 ", ", sf_cl_fields[i].name,
			sf_cl_field(t, i));
	fprintf(f, "\"seconds\": %.6f, \"why\": {", t->ct_seconds);
	for (i = 0; i < SF_CLOSE_MAX; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "",
			sf_close_reason_name(i), t->ct_why[i]);
	fprintf(f, "}}");
}

void
sf_client_json(FILE *f)
{
	struct sf_client_tally t;

	if (!sf_cl.on)
		return;
	sf_client_tally(&t);
	fprintf(f, ",\n  \"client\": ");
	sf_client_json_obj(f, &t);
}

/*
 * "run,N[,P]": a new run of N connections, P at once (default: the
 * configured parallel), when the last one is over.
 */
static const char *
sf_client_run_cmd(const char *params)
{
	unsigned long n, par;
	char *end;

	if (strncmp(params, "run,", 4) != 0)
		return "bad parameters: run,N[,P] expected";
	n = strtoul(params + 4, &end, 10);
	par = sf_cl.conf->connect_parallel;
	if (*end == ',')
		par = strtoul(end + 1, &end, 10);
	if (params[4] < '0' || params[4] > '9' || *end != '\0' || n == 0 ||
	    n > 100000000 || par == 0 || par > (1u << 20))
		return "bad run: N 1..100000000 and P 1..1048576 expected";
	if (__atomic_load_n(&sf_cl.next_go, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&sf_cl.inflight, __ATOMIC_ACQUIRE) != 0 ||
	    __atomic_load_n(&sf_cl.launched, __ATOMIC_RELAXED) !=
	    __atomic_load_n(&sf_cl.target, __ATOMIC_RELAXED))
		return "busy: the last run is not over";
	__atomic_store_n(&sf_cl.next_target, n, __ATOMIC_RELAXED);
	__atomic_store_n(&sf_cl.next_parallel, par, __ATOMIC_RELAXED);
	__atomic_store_n(&sf_cl.next_go, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* /synfront/client[,run,N[,P]]: the tally, as the exit JSON has it. */
static int
sf_client_tel(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_client_tally t;
	const char *err;
	unsigned int i;

	RTE_SET_USED(cmd);
	if (params != NULL && *params != '\0') {
		char msg[RTE_TEL_MAX_STRING_LEN];

		err = sf_client_run_cmd(params);
		rte_tel_data_start_dict(d);
		if (err == NULL) {
			rte_tel_data_add_dict_string(d, "started", "yes");
			return 0;
		}
		/* The parameters given, so the error names the bad value. */
		snprintf(msg, sizeof(msg), "%s (got '%.64s')", err, params);
		rte_tel_data_add_dict_string(d, "error", msg);
		return 0;
	}
	sf_client_tally(&t);
	rte_tel_data_start_dict(d);
	for (i = 0; i < RTE_DIM(sf_cl_fields); i++)
		rte_tel_data_add_dict_u64(d, sf_cl_fields[i].name,
			sf_cl_field(&t, i));
	for (i = 0; i < SF_CLOSE_MAX; i++)
		if (t.ct_why[i] != 0)
			rte_tel_data_add_dict_u64(d, sf_close_reason_name(i),
				t.ct_why[i]);
	return 0;
}

int
sf_client_init(struct sf_engine *eng, const struct sf_conf *conf)
{
	struct sf_connect_params *p = &sf_cl.p;

	if (!conf->connect_set)
		return 0;
	sf_cl.eng = eng;
	sf_cl.conf = conf;
	sf_connect_params_init(p);
	p->remote = conf->connect_addr;
	p->remote_port = conf->connect_port;
	p->mss = (uint16_t)conf->mss;
	p->window = (uint16_t)conf->window;
	p->wscale = (uint8_t)conf->wscale;
	p->timestamps = conf->timestamps;
	p->sack = conf->sack;
	p->on_connected = sf_cl_connected;
	p->on_data = sf_cl_data;
	p->on_close = sf_cl_close;
	sf_cl.target = conf->connect_conns;
	sf_cl.parallel = conf->connect_parallel;
	sf_cl.on = true;
	rte_telemetry_register_cmd("/synfront/client", sf_client_tel,
		"the built-in client's tally (--connect), or a new run. "
		"Parameters: [run,N[,P]]");
	return 0;
}
