/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "sf_apps.h"
#include "sf_client.h"
#include "sf_httpd.h"
#include "sf_stats.h"
#include "sf_tcp.h"

static uint64_t
sf_sum_drops(const uint64_t *c)
{
	uint64_t d = 0;
	unsigned int i;

	for (i = 0; i < SF_CNT_MAX; i++)
		if (sf_counter_is_drop(i))
			d += c[i];
	return d;
}

/* A worker's poll cycles at the previous line (the main lcore's only). */
static uint64_t sf_prev_poll[RTE_MAX_LCORE], sf_prev_busy[RTE_MAX_LCORE];

/* The share of poll cycles that received frames, since last time. */
static double
sf_busy_pct(uint64_t poll, uint64_t busy, uint64_t ppoll, uint64_t pbusy)
{
	return poll > ppoll ? 100.0 * (double)(busy - pbusy) /
		(double)(poll - ppoll) : 0.0;
}

/*
 * The per-lcore split that ends the stats line, so an operator sees
 * imbalance: "lcore:role" then what that context did. Workers: frames
 * received, SYNs answered (stateful and cookie), handshakes completed,
 * connections accepted inline, and the share of their poll cycles that
 * received frames since the last line (testpmd's and VPP's "busy");
 * application contexts: accepted.
 */
static void
sf_stats_lcores(FILE *f, const struct sf_engine *eng)
{
	unsigned int i, nw = sf_engine_worker_count(eng);
	uint64_t c[SF_CNT_MAX];

	if (sf_engine_context_count(eng) < 2)
		return;
	fprintf(f, " | per lcore:");
	for (i = 0; i < sf_engine_context_count(eng); i++) {
		sf_engine_worker_counters(eng, i, c);
		if (i < nw && i < RTE_MAX_LCORE) {
			fprintf(f, " %d:w rx %" PRIu64 " syn %" PRIu64 " est %"
				PRIu64 " acc %" PRIu64 " busy %.0f%%",
				sf_engine_worker_lcore(eng, i),
				c[SF_CNT_rx_packets],
				c[SF_CNT_syn_recv] + c[SF_CNT_syncookies_sent],
				c[SF_CNT_passive_opens], c[SF_CNT_accepted],
				sf_busy_pct(c[SF_CNT_poll_cycles],
				c[SF_CNT_poll_busy_cycles], sf_prev_poll[i],
				sf_prev_busy[i]));
			sf_prev_poll[i] = c[SF_CNT_poll_cycles];
			sf_prev_busy[i] = c[SF_CNT_poll_busy_cycles];
		} else
			fprintf(f, " %d:a acc %" PRIu64,
				sf_engine_worker_lcore(eng, i),
				c[SF_CNT_accepted]);
		fprintf(f, i + 1 < sf_engine_context_count(eng) ? "," : "");
	}
}

void
sf_stats_line(FILE *f, const struct sf_engine *eng, uint64_t *prev,
		double seconds, const struct rte_mempool *mp)
{
	uint64_t c[SF_CNT_MAX];
	double s = seconds > 0 ? seconds : 1;
	struct sf_listener_state st;
	unsigned int i, cookie_ls = 0;
	char mode[32], http[96];

	sf_engine_counters(eng, c);
	sf_httpd_line(http, sizeof(http));
	/* Cookie mode: listeners some lcore sent cookies for lately. */
	for (i = 0; i < sf_engine_listener_count(eng); i++)
		if (sf_engine_listener_state(eng, i, &st) == 0 &&
		    st.cookie_lcores != 0)
			cookie_ls++;
	if (cookie_ls != 0)
		snprintf(mode, sizeof(mode), "ON (%u listener%s)", cookie_ls,
			cookie_ls > 1 ? "s" : "");
	else
		snprintf(mode, sizeof(mode), "off");
	fprintf(f, "[stats] rx %" PRIu64 " (%.0f/s) tx %" PRIu64
		" (%.0f/s) drops %" PRIu64 " | arp %" PRIu64 " icmp %" PRIu64
		" icmp6 %" PRIu64 " nd %" PRIu64 " tcp %" PRIu64
		" | syn %" PRIu64 " established %" PRIu64 " accepted %" PRIu64
		" overflows %" PRIu64 " synq-full %" PRIu64 " timeouts %" PRIu64
		" | cookies %s sent %" PRIu64 " (%.0f/s) ok %" PRIu64
		" failed %" PRIu64 " | busy %.0f%% | mbufs in use %u/%u%s",
		c[SF_CNT_rx_packets], (c[SF_CNT_rx_packets] -
			prev[SF_CNT_rx_packets]) / s,
		c[SF_CNT_tx_packets], (c[SF_CNT_tx_packets] -
			prev[SF_CNT_tx_packets]) / s,
		sf_sum_drops(c), c[SF_CNT_arp_replies],
		c[SF_CNT_icmp_echo_replies], c[SF_CNT_icmp6_echo_replies],
		c[SF_CNT_nd_na_sent], c[SF_CNT_tcp_segments],
		c[SF_CNT_syn_recv], c[SF_CNT_passive_opens],
		c[SF_CNT_accepted], c[SF_CNT_listen_overflows],
		c[SF_CNT_reqq_full_drop], c[SF_CNT_req_timeouts],
		mode,
		c[SF_CNT_syncookies_sent], (c[SF_CNT_syncookies_sent] -
			prev[SF_CNT_syncookies_sent]) / s,
		c[SF_CNT_syncookies_recv], c[SF_CNT_syncookies_failed],
		sf_busy_pct(c[SF_CNT_poll_cycles], c[SF_CNT_poll_busy_cycles],
		prev[SF_CNT_poll_cycles], prev[SF_CNT_poll_busy_cycles]),
		rte_mempool_in_use_count(mp), mp->size, http);
	sf_stats_lcores(f, eng);
	fprintf(f, "\n");
	fflush(f);
	memcpy(prev, c, sizeof(c));
}

void
sf_stats_final(FILE *f, const struct sf_engine *eng)
{
	unsigned int i, w, nw = sf_engine_context_count(eng);
	uint64_t c[SF_CNT_MAX], wc[SF_CNT_MAX];

	sf_engine_counters(eng, c);
	fprintf(f, "synfront: final counters (non-zero; per lcore in "
		"brackets)\n");
	for (i = 0; i < SF_CNT_MAX; i++) {
		if (c[i] == 0)
			continue;
		fprintf(f, "  %-24s %12" PRIu64, sf_counter_name(i), c[i]);
		if (nw > 1) {
			fprintf(f, "  [");
			for (w = 0; w < nw; w++) {
				sf_engine_worker_counters(eng, w, wc);
				fprintf(f, "%s%" PRIu64, w ? " " : "", wc[i]);
			}
			fprintf(f, "]");
		}
		fprintf(f, "\n");
	}
	fflush(f);
}

void
sf_stats_port_report(uint16_t port_id, struct sf_port_report *r)
{
	struct rte_ether_addr mac;

	memset(r, 0, sizeof(*r));
	r->pr_port = port_id;
	if (rte_eth_dev_get_name_by_port(port_id, r->pr_name) != 0)
		snprintf(r->pr_name, sizeof(r->pr_name), "?");
	if (rte_eth_macaddr_get(port_id, &mac) == 0)
		rte_ether_format_addr(r->pr_mac, sizeof(r->pr_mac), &mac);
	rte_eth_stats_get(port_id, &r->pr_stats);
}

static void
sf_json_counters(FILE *f, const uint64_t *c)
{
	unsigned int i;

	fprintf(f, "{");
	for (i = 0; i < SF_CNT_MAX; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "",
			sf_counter_name(i), c[i]);
	fprintf(f, "}");
}

int
sf_stats_write_json(const char *file, const struct sf_engine *eng,
		const struct sf_port_report *ports, unsigned int nb_ports,
		const struct sf_pool_report *pool)
{
	uint64_t c[SF_CNT_MAX];
	unsigned int i, nw = sf_engine_worker_count(eng), n = 0;
	struct sf_builtin_tally at;
	FILE *f;
	int err;

	f = fopen(file, "w");
	if (f == NULL)
		return -errno;
	sf_engine_counters(eng, c);
	fprintf(f, "{\n  \"counters\": ");
	sf_json_counters(f, c);
	fprintf(f, ",\n  \"lcores\": [");
	/* Workers, then application contexts ("role"). */
	for (i = 0; i < sf_engine_context_count(eng); i++) {
		sf_engine_worker_counters(eng, i, c);
		fprintf(f, "%s\n    {\"worker\": %u, \"role\": \"%s\", "
			"\"lcore\": %d, \"counters\": ", i ? "," : "", i,
			i < nw ? "worker" : "app",
			sf_engine_worker_lcore(eng, i));
		sf_json_counters(f, c);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"ports\": [");
	for (i = 0; i < nb_ports; i++) {
		const struct sf_port_report *r = &ports[i];

		fprintf(f, "%s\n    {\"port_id\": %u, \"name\": \"%s\", "
			"\"mac\": \"%s\", \"rx_packets\": %" PRIu64
			", \"tx_packets\": %" PRIu64 ", \"rx_bytes\": %" PRIu64
			", \"tx_bytes\": %" PRIu64 ", \"rx_missed\": %" PRIu64
			", \"rx_errors\": %" PRIu64 ", \"tx_errors\": %" PRIu64
			", \"rx_nombuf\": %" PRIu64 "}",
			i ? "," : "", r->pr_port, r->pr_name, r->pr_mac,
			r->pr_stats.ipackets, r->pr_stats.opackets,
			r->pr_stats.ibytes, r->pr_stats.obytes,
			r->pr_stats.imissed, r->pr_stats.ierrors,
			r->pr_stats.oerrors, r->pr_stats.rx_nombuf);
	}
	fprintf(f, "\n  ],\n  \"listeners\": [");
	for (i = 0; i < sf_engine_listener_count(eng); i++) {
		struct sf_listener_params lp;
		struct sf_listener_state st;
		char buf[64];
		unsigned int k;

		/* Removed listeners leave holes in the ids. */
		if (sf_engine_listener_get(eng, i, &lp) != 0 ||
		    sf_engine_listener_state(eng, i, &st) != 0)
			continue;
		fprintf(f, "%s\n    {\"id\": %u, \"listen\": \"%s\", "
			"\"backlog\": %u, \"syn_backlog\": %u, "
			"\"syncookies\": %u, \"synq\": %u, \"synq_max\": %u, "
			"\"acceptq\": %u, \"cookie_lcores\": %u, "
			"\"counters\": {", n++ ? "," : "", i,
			sf_listener_format(&lp, buf, sizeof(buf)), lp.backlog,
			lp.syn_backlog, lp.syncookies, st.synq, st.synq_max,
			st.acceptq, st.cookie_lcores);
		for (k = 0; k < SF_LCNT_MAX; k++)
			fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "",
				sf_lcounter_name(k), st.cnt[k]);
		fprintf(f, "}}");
	}
	sf_builtin_tally_sum(&at);
	fprintf(f, "\n  ],\n  \"accepted_with\": {\"conns\": %" PRIu64
		", \"wscale\": %" PRIu64 ", \"sack\": %" PRIu64
		", \"ts\": %" PRIu64 ", \"ecn\": %" PRIu64
		", \"data\": %" PRIu64 "}", at.at_conns, at.at_wscale,
		at.at_sack, at.at_ts, at.at_ecn, at.at_data);
	fprintf(f, ",\n  \"received\": {\"bytes\": %" PRIu64 ", \"on_data\": %"
		PRIu64 "}", at.at_rx_bytes, at.at_rx_calls);
	fprintf(f, ",\n  \"sent\": {\"bytes\": %" PRIu64
		", \"reset_on_refusal\": %" PRIu64 "}", at.at_tx_bytes,
		at.at_tx_fail);
	sf_client_json(f);
	sf_httpd_json(f);
	fprintf(f, ",\n  \"mempool\": {\"name\": \"%s\", \"size\": %u, "
		"\"available\": %u, \"pmd_kept\": %u, \"in_use\": %u}\n}\n",
		pool->pp_name, pool->pp_size, pool->pp_avail,
		pool->pp_pmd_kept, pool->pp_in_use);
	err = ferror(f) ? EIO : 0;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	return -err;
}
