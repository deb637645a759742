/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * TCP input: validate a segment, then hand it to the first of these that
 * knows its 4-tuple, in Linux's order (tcp_v4_rcv() looks up established
 * sockets, then request sockets, then listeners):
 *
 *   established table -> request table -> listener -> no listener
 *
 * The LISTEN rules here are tcp_rcv_state_process()'s TCP_LISTEN case;
 * the request and connection stages are in sf_syncache.c and sf_conn.c.
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "sf_cksum.h"
#include "sf_tcp_pvt.h"

static bool
sf_tcp_cksum_ok(const struct sf_port *pt, const struct rte_mbuf *m,
		const struct sf_pkt *p, const void *l3, const void *l4)
{
	if (pt->pt_rx_tcp_cksum) {
		switch (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) {
		case RTE_MBUF_F_RX_L4_CKSUM_GOOD:
		/* NONE: data not checksummed, integrity verified. */
		case RTE_MBUF_F_RX_L4_CKSUM_NONE:
			return true;
		case RTE_MBUF_F_RX_L4_CKSUM_BAD:
			return false;
		default:
			break;
		}
	}
	if (p->ethertype == RTE_ETHER_TYPE_IPV4)
		return sf_ip4_l4_cksum(l3, l4, p->l4_len, IPPROTO_TCP) == 0;
	/* The pseudo-header length is the TCP length, not the payload's. */
	return sf_ip6_l4_cksum(l3, l4, p->l4_len, IPPROTO_TCP) == 0;
}

/* Fill the flow key: the peer is the source, we are the destination. */
static void
sf_seg_key(struct sf_seg *s, const void *l3, const struct rte_tcp_hdr *th,
		bool v4)
{
	struct sf_flow_key *k = &s->sg_key;

	memset(k, 0, sizeof(*k));
	if (v4) {
		const struct rte_ipv4_hdr *ip = l3;

		k->fk_family = AF_INET;
		k->fk_raddr[0] = ip->src_addr;
		k->fk_laddr[0] = ip->dst_addr;
	} else {
		const struct rte_ipv6_hdr *ip6 = l3;

		k->fk_family = AF_INET6;
		memcpy(k->fk_raddr, ip6->src_addr, 16);
		memcpy(k->fk_laddr, ip6->dst_addr, 16);
	}
	k->fk_rport = th->src_port;
	k->fk_lport = th->dst_port;
}

/* tcp_rcv_state_process(), case TCP_LISTEN. */
static enum sf_verdict
sf_tcp_listen(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_listener *ls, struct sf_seg *s)
{
	uint8_t f = s->sg_flags;

	/*
	 * "If the ACK bit is on ... <SEQ=SEG.ACK><CTL=RST>" (RFC 9293
	 * 3.10.7.2). Linux tests ACK before RST; a RST|ACK then meets the
	 * never-reset-a-reset rule and is dropped.
	 */
	if (f & SF_TH_ACK) {
		if (f & SF_TH_RST)
			return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_listen_rst);
		/* cookie_v4_check(): not for a SYN, never in mode 0. */
		if (!(f & SF_TH_SYN) && ls->ls_p.syncookies != 0)
			return sf_syncache_cookie_ack(wt, pt, ls, s);
		return sf_tcp_reply_rst(wt, pt, s);
	}
	/* "An incoming RST segment could not be valid ... ignore it." */
	if (f & SF_TH_RST)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_listen_rst);
	if (!(f & SF_TH_SYN))
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_listen_noflags);
	/* SYN+FIN: no stack handles it well; Linux drops it here too. */
	if (f & SF_TH_FIN)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_syn_fin);
	return sf_syncache_add(wt, pt, ls, s);
}

enum sf_verdict
sf_tcp_input(struct sf_wtcp *wt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	struct sf_etcp *et = wt->wt_et;
	const struct rte_tcp_hdr *th;
	struct sf_listener *ls;
	struct sf_seg s;
	const void *l3;
	uint16_t doff;
	int32_t pos;
	bool v4 = p->ethertype == RTE_ETHER_TYPE_IPV4;

	l3 = rte_pktmbuf_mtod_offset(m, const void *, p->l2_len);
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
			p->l2_len + p->l3_len);
	if (!sf_tcp_cksum_ok(pt, m, p, l3, th)) {
		/* Linux counts both: InCsumErrors is a kind of InErrs. */
		sf_count(&wt->wt_net, SF_CNT_in_csum_errors);
		sf_count(&wt->wt_net, SF_CNT_in_errs);
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_bad_csum);
	}
	/* Port 0 is reserved (RFC 6335 6); nothing may use it. */
	if (th->src_port == 0 || th->dst_port == 0)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_port0);

	doff = (th->data_off >> 4) * 4;
	if (v4)
		s.sg_ect = (((const struct rte_ipv4_hdr *)l3)->type_of_service &
			    3) != 0;
	else
		s.sg_ect = ((rte_be_to_cpu_32(((const struct rte_ipv6_hdr *)
			l3)->vtc_flow) >> 20) & 3) != 0;
	/* Reserved bits set: AccECN's way of asking; ECT is fine then. */
	if (th->data_off & 0x0f)
		s.sg_ect = false;
	s.sg_m = m;
	s.sg_p = p;
	s.sg_port = pt->pt_id;
	s.sg_relisten = false;
	s.sg_flags = th->tcp_flags;
	s.sg_seq = rte_be_to_cpu_32(th->sent_seq);
	s.sg_ack = rte_be_to_cpu_32(th->recv_ack);
	s.sg_win = rte_be_to_cpu_16(th->rx_win);
	s.sg_data = (const uint8_t *)th + doff;
	s.sg_len = p->l4_len - doff;
	s.sg_seglen = s.sg_len + !!(s.sg_flags & SF_TH_SYN) +
		!!(s.sg_flags & SF_TH_FIN);
	/*
	 * A malformed option length ends the walk and what came before it
	 * stands, as in tcp_parse_options(); counted so it shows.
	 */
	if (!sf_tcp_opts_parse((const uint8_t *)(th + 1),
			doff - sizeof(*th), s.sg_flags & SF_TH_SYN,
			&s.sg_opts))
		sf_count(&wt->wt_net, SF_CNT_tcp_bad_opts);
	sf_seg_key(&s, l3, th, v4);
	s.sg_hash = sf_flow_hash(&s.sg_key, &et->et_hkey);

	pos = sf_ftab_lookup(&wt->wt_conntab, &s.sg_key, s.sg_hash);
	if (pos >= 0) {
		enum sf_verdict v = sf_conn_input(wt, pt, (uint32_t)pos, &s);

		/* A new SYN ended a TIME-WAIT connection: on to the listener. */
		if (!s.sg_relisten)
			return v;
	}
	/*
	 * With cookies always on (syncookies = 2) nothing is queued and the
	 * request table stays empty: a SYN flood then costs one lookup, not
	 * two. The established table is always looked up.
	 */
	if (wt->wt_reqtab.ft_used != 0) {
		pos = sf_ftab_lookup(&wt->wt_reqtab, &s.sg_key, s.sg_hash);
		if (pos >= 0)
			return sf_syncache_input(wt, pt, (uint32_t)pos, &s);
	}
	ls = sf_listener_lookup(et, &s.sg_key);
	if (ls != NULL)
		return sf_tcp_listen(wt, pt, ls, &s);

	/*
	 * Not ours, and the port's table names another worker as the
	 * flow's owner: the NIC spread it its own way (RSS synfront cannot
	 * predict), and a reply to another worker's active open may be
	 * what just missed its connection. Counted, so operators see it.
	 */
	if (et->et_nb_workers > 1 && !pt->pt_steer &&
	    pt->pt_reta[sf_rss_flow(&s.sg_key) & (SF_STEER_RETA_SIZE - 1)] !=
	    wt->wt_net.nt_idx)
		sf_count(&wt->wt_net, SF_CNT_tcp_not_owner);
	/* RFC 9293 3.10.7.1, CLOSED: reset anything but a reset. */
	if (s.sg_flags & SF_TH_RST)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_no_listener);
	if (et->et_no_listener_drop)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_no_listener);
	return sf_tcp_reply_rst(wt, pt, &s);
}

/*
 * tcp_v4_err() / tcp_v6_err(): the flow an ICMP error quotes, looked up
 * as a segment of it would be. Requests act on it; established
 * connections take a fragmentation-needed or packet-too-big (their MSS)
 * and only count the others; nothing answers
 * it. Software steering brought it to the flow's owner; with hardware
 * RSS it may have reached another worker and find nothing here: the NIC
 * hashes the ICMP datagram, not the flow it quotes. (Not built: a hand-off
 * to the owner. The port's table, pt_reta, names it now that the NIC's
 * RETA is read back, and sf_rss_frame() hashes the quoted flow; what is
 * missing is rings between workers under hardware RSS.)
 */
enum sf_verdict
sf_tcp_icmp_err(struct sf_wtcp *wt, const struct sf_flow_key *k,
		uint32_t seq, bool hard, uint32_t mtu)
{
	uint32_t hash = sf_flow_hash(k, &wt->wt_et->et_hkey);
	int32_t pos;

	pos = sf_ftab_lookup(&wt->wt_conntab, k, hash);
	if (pos >= 0)
		return sf_conn_icmp_err(wt, (uint32_t)pos, seq, mtu);
	if (wt->wt_reqtab.ft_used != 0) {
		pos = sf_ftab_lookup(&wt->wt_reqtab, k, hash);
		if (pos >= 0)
			return sf_syncache_unreach(wt, (uint32_t)pos, seq, hard);
	}
	return sf_drop(&wt->wt_net, SF_CNT_drop_icmp_err_no_flow);
}

/* Timer wheel: 1 ms ticks, 4096 slots (one turn: 4.1 s). */
#define SF_TW_SLOTS 4096

int
sf_tcp_init(struct sf_wtcp *wt)
{
	wt->wt_isn_mid.sm_valid = false;
	if (sf_syncache_init(wt) != 0 || sf_conn_init(wt) != 0 ||
	    sf_portsel_init(wt) != 0)
		return -ENOMEM;
	return sf_twheel_init(&wt->wt_tw,
		wt->wt_reqtab.ft_cap + wt->wt_conntab.ft_cap, SF_TW_SLOTS,
		wt->wt_net.nt_now, wt->wt_net.nt_socket);
}

void
sf_tcp_fini(struct sf_wtcp *wt)
{
	/* Connections first: they may hold mbufs and queue places. */
	sf_conn_fini(wt);
	sf_syncache_fini(wt);
	sf_portsel_fini(wt);
	sf_twheel_fini(&wt->wt_tw);
}

void
sf_tcp_drain(struct sf_wtcp *wt)
{
	sf_conn_drain(wt);
}

/* Timer ids: requests first, then connections (sf_conn_tid()). */
static void
sf_tcp_timer(void *ctx, uint32_t id)
{
	struct sf_wtcp *wt = ctx;
	uint32_t nreq = wt->wt_reqtab.ft_cap;

	if (id < nreq)
		sf_syncache_timer(wt, id);
	else
		sf_conn_timer(wt, id - nreq);
}

void
sf_tcp_clock(struct sf_wtcp *wt)
{
	uint32_t now = wt->wt_net.nt_now;

	if ((int32_t)(now - wt->wt_ck_next) >= 0)
		sf_syncache_clock(wt);
	sf_twheel_advance(&wt->wt_tw, now, sf_tcp_timer, wt);
}

void
sf_tcp_purge(struct sf_wtcp *wt)
{
	sf_syncache_purge(wt);
	sf_conn_purge(wt);
}
