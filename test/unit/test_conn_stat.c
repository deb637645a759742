/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/tcp/sf_conn_stat.c: a connection as /synfront/conns shows it. A
 * connection made by a real handshake, before and after its send side is
 * set up, through a retransmission timeout (the per-connection retransmit
 * count, the backoff, the loss state) and after it ends; slots out of
 * range and free ones, and the generation a new connection of the slot
 * moves.
 */

#include <netinet/in.h>

#include "sf_test.h"

#define LPORT 80
#define F_ACK RTE_TCP_ACK_FLAG

static struct sf_conn *accepted;

static void
on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	RTE_SET_USED(ci);
	RTE_SET_USED(arg);
	accepted = c;
}

static struct sf_worker *
wk(struct sf_engine *eng)
{
	return sf_engine_worker(eng, 0);
}

static struct sf_conn *
open_conn(struct sf_engine *eng, struct sf_test_client *p)
{
	accepted = NULL;
	sf_test_do_syn(eng, p, SF_TOF_MSS);
	sf_test_do_ack(eng, p);
	SF_CHECK(accepted != NULL);
	return accepted;
}

/* The peer's ACK of ack, window 29200 (no window scaling). */
static void
peer_ack(struct sf_engine *eng, struct sf_test_client *p, uint32_t ack)
{
	sf_test_peer_ack(eng, p, ack, 29200);
}

static void
test_stat(bool v6)
{
	static uint8_t buf[20000];
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_conn_stat st;
	struct sf_engine *eng;
	struct sf_wtcp *wt;
	struct sf_conn *c;
	uint32_t id, gen, mss = v6 ? 1440 : 1460;
	unsigned int alen = v6 ? 16 : 4, k;

	sf_listener_params_init(&lp);
	lp.port = LPORT;
	lp.on_accept = on_accept;
	eng = sf_test_listen_engine(NULL, &lp);
	wt = &wk(eng)->wk_tcp;
	sf_worker_clock(wk(eng), 0);

	/* No such slot, and a free one. */
	SF_CHECK_EQ(sf_conn_stat(wt, wt->wt_conntab.ft_cap, &st), -EINVAL);
	SF_CHECK_EQ(sf_conn_stat(wt, 0, &st), -ENOENT);
	SF_CHECK_EQ(sf_conn_stat_state(wt, 0), SF_CS_FREE);
	SF_CHECK_EQ(sf_conn_stat_state(wt, UINT32_MAX), SF_CS_FREE);

	sf_test_client_init(&p, v6, 1700, LPORT);
	c = open_conn(eng, &p);
	if (c == NULL)
		goto out;
	id = c->cn_id;
	SF_CHECK_EQ(sf_conn_stat_state(wt, id), SF_CS_ESTABLISHED);
	SF_CHECK_EQ(sf_conn_stat(wt, id, &st), 0);
	SF_CHECK_EQ(st.cs_c.cn_state, SF_CS_ESTABLISHED);
	SF_CHECK(strcmp(sf_conn_state_name(st.cs_c.cn_state),
		"ESTABLISHED") == 0);
	gen = st.cs_c.cn_gen;
	SF_CHECK(gen != 0);
	/* The 4-tuple, as the peer sent it. */
	SF_CHECK_EQ(st.cs_key.fk_family, v6 ? AF_INET6 : AF_INET);
	SF_CHECK_EQ(rte_be_to_cpu_16(st.cs_key.fk_lport), LPORT);
	SF_CHECK_EQ(rte_be_to_cpu_16(st.cs_key.fk_rport), 1700);
	SF_CHECK(memcmp(st.cs_key.fk_laddr, p.t.dst, alen) == 0);
	SF_CHECK(memcmp(st.cs_key.fk_raddr, p.t.src, alen) == 0);
	SF_CHECK_EQ(st.cs_c.cn_iss, p.iss);
	SF_CHECK_EQ(st.cs_c.cn_irs, p.isn);
	SF_CHECK_EQ(st.cs_c.cn_rcv_nxt, p.isn + 1);
	SF_CHECK_EQ(st.cs_c.cn_neg.ng_mss, mss);
	/* Nothing sent yet: no send side, nothing in flight, no timer. */
	SF_CHECK(!(st.cs_c.cn_flags & SF_CNF_SND));
	SF_CHECK_EQ(st.cs_unacked, 0);
	SF_CHECK_EQ(st.cs_queued, 0);
	SF_CHECK_EQ(st.cs_snd_wnd, 29200);
	SF_CHECK_EQ(st.cs_rcv_wnd, lp.window);
	for (k = 0; k < SF_CT_MAX; k++)
		SF_CHECK_EQ(st.cs_timer_ms[k], -1);

	/* 20000 bytes: ten segments leave (RFC 6928), the rest waits. */
	SF_CHECK_EQ(sf_conn_send(c, buf, sizeof(buf)), (int)sizeof(buf));
	sf_test_tx_flush();
	SF_CHECK_EQ(sf_conn_stat(wt, id, &st), 0);
	SF_CHECK(st.cs_c.cn_flags & SF_CNF_SND);
	SF_CHECK_EQ(st.cs_unacked, 10 * mss);
	SF_CHECK_EQ(st.cs_queued, sizeof(buf));
	SF_CHECK_EQ(st.cs_notsent, sizeof(buf) - 10 * mss);
	SF_CHECK_EQ(st.cs_tb.tb_cwnd, 10 * mss);
	SF_CHECK_EQ(st.cs_tb.tb_retrans, 0);
	SF_CHECK_EQ(st.cs_tb.tb_srtt, 0);
	/* Before a sample: the listener's first SYN-ACK timeout. */
	SF_CHECK_EQ(st.cs_rto_ms, lp.synack_timeout_ms);
	SF_CHECK_EQ(st.cs_timer_ms[SF_CT_REXMT], lp.synack_timeout_ms);
	SF_CHECK_EQ(st.cs_tb.tb_ca, SF_CA_OPEN);

	/* 400 ms on: the timer has 600 ms left. */
	sf_worker_clock(wk(eng), 400);
	SF_CHECK_EQ(sf_conn_stat(wt, id, &st), 0);
	SF_CHECK_EQ(st.cs_now, 400);
	SF_CHECK_EQ(st.cs_timer_ms[SF_CT_REXMT],
		lp.synack_timeout_ms - 400);

	/* The timeout: one segment again, counted on the connection. */
	sf_worker_clock(wk(eng), lp.synack_timeout_ms);
	sf_test_tx_flush();
	SF_CHECK_EQ(sf_conn_stat(wt, id, &st), 0);
	SF_CHECK_EQ(st.cs_tb.tb_retrans, 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_retrans_segs), 1);
	SF_CHECK_EQ(st.cs_tb.tb_backoff, 1);
	SF_CHECK_EQ(st.cs_rto_ms, 2 * lp.synack_timeout_ms);
	SF_CHECK_EQ(st.cs_timer_ms[SF_CT_REXMT], 2 * lp.synack_timeout_ms);
	SF_CHECK_EQ(st.cs_tb.tb_ca, SF_CA_LOSS);
	SF_CHECK(strcmp(sf_ca_state_name(st.cs_tb.tb_ca), "loss") == 0);
	SF_CHECK_EQ(st.cs_tb.tb_cwnd, mss);

	/* Everything acknowledged as it leaves: nothing in flight or queued. */
	for (k = 0; k < 32 && c->cn_snd_una != p.iss + 1 + sizeof(buf); k++) {
		peer_ack(eng, &p, c->cn_snd_nxt);
		sf_test_tx_flush();
	}
	SF_CHECK_EQ(sf_conn_stat(wt, id, &st), 0);
	SF_CHECK_EQ(st.cs_c.cn_snd_una, p.iss + 1 + sizeof(buf));
	SF_CHECK_EQ(st.cs_unacked, 0);
	SF_CHECK_EQ(st.cs_queued, 0);
	SF_CHECK_EQ(st.cs_timer_ms[SF_CT_REXMT], -1);
	SF_CHECK_EQ(st.cs_tb.tb_retrans, 1);

	/* Reset: the slot is free; its next connection has a new gen. */
	SF_CHECK_EQ(sf_conn_reset(c), 0);
	sf_test_tx_flush();
	SF_CHECK_EQ(sf_conn_stat(wt, id, &st), -ENOENT);
	sf_test_client_init(&p, v6, 1701, LPORT);
	c = open_conn(eng, &p);
	if (c != NULL) {
		SF_CHECK_EQ(sf_conn_stat(wt, c->cn_id, &st), 0);
		SF_CHECK(c->cn_id != id || st.cs_c.cn_gen != gen);
		/* The send side (and its count) only once it sends. */
		SF_CHECK(!(st.cs_c.cn_flags & SF_CNF_SND));
		SF_CHECK_EQ(sf_conn_reset(c), 0);
		sf_test_tx_flush();
	}
out:
	sf_test_teardown(eng);
}

int
main(int argc, char **argv)
{
	unsigned int v6;

	sf_test_init(argc, argv);
	/* The retransmit count lives beside the connection, not in it. */
	SF_CHECK(sizeof(struct sf_conn) <= 128);
	for (v6 = 0; v6 < 2; v6++)
		test_stat(v6);
	return sf_test_done("test_conn_stat");
}
