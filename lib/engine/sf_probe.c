/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * /synfront/connect,ADDR:PORT[,TIMEOUT_MS]: a TCP reachability probe from
 * the front end, like `nc -z ADDR PORT` on a host. The telemetry thread
 * asks a worker for an active open over its connect ring
 * (sf_engine_connect()), waits for the worker's callbacks to post the
 * outcome, and reports it with the handshake time: from the request to
 * on_connected, which includes the hand-over to the worker (a poll, a
 * few microseconds on a busy worker). A connection that completes is
 * closed at once (FIN, then TIME-WAIT here, as after nc -z). The SYN is
 * retransmitted within the timeout (1 s, then doubling; a timeout under
 * 3 s gets one retransmission at a third of it), so the open gives up by
 * itself about when the probe does.
 *
 * One probe runs at a time (telemetry may serve several clients from
 * several threads); a second one meanwhile is told "busy". Each probe has
 * a sequence number, passed as the callbacks' argument: a callback of an
 * earlier probe that gave up (no_answer) finds its number stale, posts
 * nothing, and closes a connection that came late.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_spinlock.h>
#include <rte_telemetry.h>

#include "sf_engine_pvt.h"

#define SF_PROBE_TIMEOUT_MS 3000
#define SF_PROBE_TIMEOUT_MAX_MS 60000

enum sf_probe_state {
	SF_PROBE_PENDING = 0,
	SF_PROBE_CONNECTED,
	SF_PROBE_FAILED,
};

/* The probe in flight; the callbacks write it on the worker. */
static struct {
	rte_spinlock_t pr_lock;     /* one probe at a time */
	uint32_t pr_seq;            /* the current probe's number */
	uint32_t pr_state;          /* enum sf_probe_state, release-stored */
	uint32_t pr_why;            /* FAILED: enum sf_close_reason */
	uint64_t pr_tsc;            /* TSC of the outcome */
	struct sf_conn_info pr_ci;  /* CONNECTED: the connection */
} sf_probe = { .pr_lock = RTE_SPINLOCK_INITIALIZER };

static bool
sf_probe_mine(void *arg)
{
	return (uint32_t)(uintptr_t)arg ==
		__atomic_load_n(&sf_probe.pr_seq, __ATOMIC_ACQUIRE);
}

static void
sf_probe_connected(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	if (sf_probe_mine(arg) &&
	    __atomic_load_n(&sf_probe.pr_state, __ATOMIC_RELAXED) ==
	    SF_PROBE_PENDING) {
		sf_probe.pr_ci = *ci;
		sf_probe.pr_tsc = rte_rdtsc();
		__atomic_store_n(&sf_probe.pr_state, SF_PROBE_CONNECTED,
			__ATOMIC_RELEASE);
	}
	sf_conn_close(c);
}

static void
sf_probe_closed(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	RTE_SET_USED(c);
	if (!sf_probe_mine(arg) ||
	    __atomic_load_n(&sf_probe.pr_state, __ATOMIC_RELAXED) !=
	    SF_PROBE_PENDING)
		return;
	sf_probe.pr_why = why;
	sf_probe.pr_tsc = rte_rdtsc();
	__atomic_store_n(&sf_probe.pr_state, SF_PROBE_FAILED,
		__ATOMIC_RELEASE);
}

/* "ADDR:PORT" or "[ADDR]:PORT", then ",TIMEOUT_MS". */
static int
sf_probe_parse(const char *params, struct sf_connect_params *p,
		uint32_t *timeout_ms)
{
	char buf[128];
	char *comma, *end;
	unsigned long t;

	if (params == NULL || strlen(params) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", params);
	*timeout_ms = SF_PROBE_TIMEOUT_MS;
	comma = strrchr(buf, ',');
	if (comma != NULL) {
		*comma = '\0';
		t = strtoul(comma + 1, &end, 10);
		if (comma[1] == '\0' || *end != '\0' || t < 10 ||
		    t > SF_PROBE_TIMEOUT_MAX_MS)
			return -ERANGE;
		*timeout_ms = (uint32_t)t;
	}
	return sf_addr_port_parse(buf, &p->remote, &p->remote_port);
}

/*
 * SYN retransmissions that fit the timeout: 1 s doubling, as many as end
 * within it; under 3 s, one at a third of it.
 */
static void
sf_probe_retries(struct sf_connect_params *p, uint32_t timeout_ms)
{
	uint32_t total = 1000 + 2000;
	uint8_t n = 1;

	if (timeout_ms < total) {
		p->syn_timeout_ms = RTE_MAX(timeout_ms / 3, 1u);
		p->syn_retries = 1;
		return;
	}
	p->syn_timeout_ms = 1000;
	while (n < 20 && total + (1000u << (n + 1)) <= timeout_ms) {
		total += 1000u << (n + 1);
		n++;
	}
	p->syn_retries = n;
}

/* An error dictionary: msg, with the parameters given when there are. */
static int
sf_probe_error(struct rte_tel_data *d, const char *msg, const char *params)
{
	char buf[RTE_TEL_MAX_STRING_LEN];

	if (params != NULL)
		snprintf(buf, sizeof(buf), "%s (got '%.64s')", msg, params);
	else
		snprintf(buf, sizeof(buf), "%s", msg);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", buf);
	return 0;
}

/* The outcome of the probe, as the dictionary says it. */
static void
sf_probe_report(struct rte_tel_data *d, const char *remote, uint32_t state,
		uint64_t t0)
{
	const struct sf_conn_info *ci = &sf_probe.pr_ci;
	char buf[INET6_ADDRSTRLEN + 16];
	uint64_t us;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "remote", remote);
	if (state == SF_PROBE_PENDING) {
		rte_tel_data_add_dict_string(d, "result", "no_answer");
		return;
	}
	us = (sf_probe.pr_tsc - t0) * 1000000 / rte_get_tsc_hz();
	if (state == SF_PROBE_FAILED) {
		rte_tel_data_add_dict_string(d, "result",
			sf_close_reason_name(sf_probe.pr_why));
		rte_tel_data_add_dict_u64(d, "after_us", us);
		return;
	}
	rte_tel_data_add_dict_string(d, "result", "connected");
	rte_tel_data_add_dict_u64(d, "handshake_us", us);
	sf_addr_port_format(&ci->local, ci->local_port, buf, sizeof(buf));
	rte_tel_data_add_dict_string(d, "local", buf);
	rte_tel_data_add_dict_u64(d, "port", ci->port_id);
	rte_tel_data_add_dict_u64(d, "worker", ci->worker);
	rte_tel_data_add_dict_u64(d, "mss", ci->mss);
	rte_tel_data_add_dict_int(d, "snd_wscale", ci->flags &
		SF_CONN_F_WSCALE ? ci->snd_wscale : -1);
	rte_tel_data_add_dict_int(d, "sack", !!(ci->flags & SF_CONN_F_SACK));
	rte_tel_data_add_dict_int(d, "timestamps",
		!!(ci->flags & SF_CONN_F_TS));
}

static int
sf_probe_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_engine *eng = __atomic_load_n(&sf_tel_engine,
		__ATOMIC_ACQUIRE);
	char remote[INET6_ADDRSTRLEN + 16];
	struct sf_connect_params p;
	uint64_t t0, limit;
	uint32_t timeout_ms, state, seq;
	int ret;

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	sf_connect_params_init(&p);
	ret = sf_probe_parse(params, &p, &timeout_ms);
	if (ret != 0)
		return sf_probe_error(d, ret == -ERANGE ?
			"bad timeout: 10..60000 ms expected" :
			"bad endpoint: ADDR:PORT or [ADDR]:PORT[,TIMEOUT_MS] "
			"expected", params != NULL ? params : "");
	if (!rte_spinlock_trylock(&sf_probe.pr_lock))
		return sf_probe_error(d, "busy: another probe is running",
			NULL);
	seq = __atomic_load_n(&sf_probe.pr_seq, __ATOMIC_RELAXED) + 1;
	__atomic_store_n(&sf_probe.pr_state, SF_PROBE_PENDING,
		__ATOMIC_RELAXED);
	__atomic_store_n(&sf_probe.pr_seq, seq, __ATOMIC_RELEASE);
	sf_probe_retries(&p, timeout_ms);
	p.on_connected = sf_probe_connected;
	p.on_close = sf_probe_closed;
	p.arg = (void *)(uintptr_t)seq;
	t0 = rte_rdtsc();
	ret = sf_engine_connect(eng, &p, NULL);
	if (ret != -EINPROGRESS) {
		rte_spinlock_unlock(&sf_probe.pr_lock);
		return sf_probe_error(d, ret == -ENOBUFS ?
			"the worker's connect ring is full" :
			"connect refused the parameters", params);
	}
	/* The open gives up by itself near the timeout; a second more. */
	limit = t0 + (uint64_t)(timeout_ms + 1000) * rte_get_tsc_hz() / 1000;
	while ((state = __atomic_load_n(&sf_probe.pr_state,
			__ATOMIC_ACQUIRE)) == SF_PROBE_PENDING &&
	       rte_rdtsc() < limit)
		rte_delay_us_sleep(200);
	sf_addr_port_format(&p.remote, p.remote_port, remote, sizeof(remote));
	sf_probe_report(d, remote, state, t0);
	/* Late callbacks of this probe post nothing from here on. */
	__atomic_store_n(&sf_probe.pr_seq, seq + 1, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&sf_probe.pr_lock);
	return 0;
}

int
sf_probe_register(void)
{
	return rte_telemetry_register_cmd("/synfront/connect", sf_probe_cmd,
		"TCP probe: connect, close, report the handshake time. "
		"Parameters: ADDR:PORT or [ADDR]:PORT[,timeout_ms]");
}
