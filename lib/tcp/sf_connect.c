/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The active open (issue 17), as Linux's connect path does it (seeds 000,
 * 001 and 004):
 *
 *   tcp_v4_connect()   route to the server (ip_route_connect(): the
 *                      route's port, next hop and source address), the
 *                      local port (__inet_hash_connect(): sf_portsel.c),
 *                      the ISN (secure_tcp_seq(): RFC 6528) and the
 *                      timestamp offset, SYN-SENT
 *   tcp_connect()      the SYN as tcp_connect_init() and
 *                      tcp_syn_options() build it (MSS, SACK-permitted,
 *                      timestamps, window scale; ECE|CWR when ECN is
 *                      asked), and the retransmission timer: 1 s doubled
 *                      per retransmission, tcp_syn_retries of them
 *   tcp_rcv_synsent_state_process()
 *                      the SYN-ACK: its ACK must be for our SYN (else a
 *                      RST, and the SYN again soon), its timestamp echo
 *                      one of our SYNs' (PAWS, else a RST); a RST with
 *                      an acceptable ACK refuses the open; the options
 *                      both sides sent are on; ESTABLISHED, on_connected,
 *                      our ACK
 *
 * What the kernel does not have to do: find the next hop's MAC. The SYN
 * goes through the neighbour table (sf_neigh.h); one that waits for a
 * resolution is queued there, and while the entry stays INCOMPLETE the
 * retransmission timer only looks at it every tenth of a second (it
 * counts no retransmission): an unanswered resolution ends the open with
 * SF_CLOSE_UNREACH about mcast_solicit seconds in, as Linux's
 * EHOSTUNREACH comes as its ARP gives up, and a resolved one sends the
 * SYN again at once in case the queue (3 frames) dropped it.
 *
 * A connection in SYN-SENT lives in the established table under the
 * 4-tuple the server's segments carry, like every connection, and its
 * callbacks run on its worker (sf_conn.c picks the inline way up for
 * it). It keeps what its SYN offered in cn_neg until the SYN-ACK says
 * what is on. Simultaneous open (a SYN without ACK in SYN-SENT) is not
 * taken: the SYN is dropped and counted (docs/connect.md says why).
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "sf_neigh.h"
#include "sf_route.h"
#include "sf_tcp_pvt.h"

/* Linux's TCP_TIMEOUT_MIN: the SYN again after a SYN-ACK with a bad ACK. */
#define SF_SYN_RETRY_SOON_MS 2
/* Looks at a next hop still INCOMPLETE before giving up on it (6 s). */
#define SF_SYN_NWAIT_MAX 60

void
sf_connect_params_init(struct sf_connect_params *p)
{
	memset(p, 0, sizeof(*p));
	p->worker = -1;
	p->window = 65535;
	p->wscale = 7;
	p->timestamps = true;
	p->sack = true;
	/* Linux's tcp_ecn = 2: answer ECN, never ask for it. */
	p->ecn = false;
	p->syn_timeout_ms = 1000;
}

static bool
sf_connect_addr_ok(const struct sf_addr *a)
{
	static const uint8_t zero[16];

	/* Network order: the first octet is the first byte (224/4 is D). */
	if (a->family == AF_INET)
		return a->v4 != 0 && a->v4 != UINT32_MAX &&
			(((const uint8_t *)&a->v4)[0] & 0xf0) != 0xe0;
	if (a->family == AF_INET6)
		return memcmp(a->v6, zero, 16) != 0 && a->v6[0] != 0xff;
	return false;
}

/* A bad parameter: logged with its value and what it takes. */
static int
sf_connect_bad(const char *name, unsigned long v, const char *want)
{
	SF_TCP_LOG(ERR, "connect: bad %s %lu: %s expected", name, v, want);
	return -EINVAL;
}

int
sf_connect_params_check(const struct sf_connect_params *p)
{
	char addr[64];

	if (!sf_connect_addr_ok(&p->remote)) {
		if (p->remote.family != AF_INET && p->remote.family != AF_INET6)
			return sf_connect_bad("remote family", p->remote.family,
				"AF_INET or AF_INET6");
		/* prefix_len is ignored here: the address alone. */
		sf_addr_format(&p->remote, addr, sizeof(addr));
		addr[strcspn(addr, "/")] = '\0';
		SF_TCP_LOG(ERR, "connect: bad remote %s: a unicast address "
			"expected", addr);
		return -EINVAL;
	}
	if (p->local.family != 0 && p->local.family != p->remote.family)
		return sf_connect_bad("local family", p->local.family,
			"0 or the remote address's");
	if (p->remote_port == 0)
		return sf_connect_bad("remote_port", 0, "1..65535");
	if (p->wscale > SF_TCP_MAX_WSCALE)
		return sf_connect_bad("wscale", p->wscale, "0..14");
	if (p->window == 0)
		return sf_connect_bad("window", 0, "1..65535");
	if (p->mss != 0 && (p->mss < SF_MSS_MIN || p->mss > SF_MSS_MAX))
		return sf_connect_bad("mss", p->mss, "0 or 88..65495");
	if (p->syn_retries > 20)
		return sf_connect_bad("syn_retries", p->syn_retries, "0..20");
	if (p->syn_timeout_ms == 0 || p->syn_timeout_ms > SF_RTO_MAX_MS)
		return sf_connect_bad("syn_timeout_ms", p->syn_timeout_ms,
			"1..120000");
	if (p->on_connected == NULL || p->on_close == NULL) {
		SF_TCP_LOG(ERR, "connect: on_connected and on_close: both "
			"expected set");
		return -EINVAL;
	}
	return 0;
}

/* The next hop's address as bytes, network order (4 or 16). */
static inline const void *
sf_hop_addr(const struct sf_route_hop *hop)
{
	return hop->nexthop.family == AF_INET ?
		(const void *)&hop->nexthop.v4 : (const void *)hop->nexthop.v6;
}

/*
 * Build the SYN of c (tcp_connect_init() and tcp_syn_options(): what
 * cn_neg holds of our offer) and send it towards its next hop (hop, the
 * route to the server), or leave it queued there for the resolution.
 * Returns 0 (sent or queued: tb_syn_nwait says which), -EHOSTUNREACH
 * (the next hop failed lately, or has no address to ask from), -ENOBUFS
 * (no mbuf).
 */
static int
sf_connect_xmit(struct sf_wtcp *wt, struct sf_conn *c,
		const struct sf_flow_key *k, const struct sf_route_hop *hop)
{
	struct sf_net *nt = &wt->wt_net;
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	const struct sf_port *pt = sf_net_port(nt, hop->port);
	struct sf_tcp_opts opt;
	struct sf_l2peer l2;
	struct sf_tcp_out o;
	struct rte_ether_addr mac;
	struct rte_mbuf *m;

	sf_tcp_out_clear(&o);
	o.seq = c->cn_iss;
	o.flags = SF_TH_SYN;
	/* RFC 3168 6.1.1: an ECN-setup SYN. */
	if (c->cn_neg.ng_flags & SF_CONN_F_ECN)
		o.flags |= SF_TH_ECE | SF_TH_CWR;
	o.win = c->cn_window;
	memset(&opt, 0, sizeof(opt));
	opt.to_flags = SF_TOF_MSS | (c->cn_neg.ng_flags & (SF_TOF_WSCALE |
		SF_TOF_SACKPERM | SF_TOF_TS));
	opt.to_mss = c->cn_neg.ng_mss;
	opt.to_wscale = c->cn_neg.ng_rcv_wscale;
	opt.to_tsval = nt->nt_now + c->cn_tsoff;
	o.optlen = (uint8_t)sf_tcp_opts_build_synack(o.opt, &opt);

	m = sf_net_alloc(nt);
	if (m == NULL)
		return -ENOBUFS;
	/* The destination MAC comes from the neighbour table below. */
	memset(&l2, 0, sizeof(l2));
	if (sf_tcp_build(m, pt, &l2, k, &o) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	switch (sf_neigh_resolve_ticket(nt, hop->port, k->fk_family,
			sf_hop_addr(hop), m, &mac, &tb->tb_syn_ticket)) {
	case SF_NEIGH_READY:
		rte_ether_addr_copy(&mac, &rte_pktmbuf_mtod(m,
			struct rte_ether_hdr *)->dst_addr);
		sf_net_tx(nt, hop->port, m);
		tb->tb_syn_nwait = 0;
		return 0;
	case SF_NEIGH_QUEUED:
		tb->tb_syn_nwait = 1;
		return 0;
	default:
		rte_pktmbuf_free(m);
		return -EHOSTUNREACH;
	}
}

/*
 * When the SYN timer looks again: the backoff, or, while the SYN waits
 * for its next hop, every SF_SYN_NWAIT_LOOK_MS and one neighbour scan
 * (a tick runs the TCP timers before the scan: a look on the scan's beat
 * would see an entry that fails on that tick still INCOMPLETE). So an
 * open learns within about a tenth of a second that its next hop failed
 * (as Linux's connect() fails as its ARP gives up, 3 s in) or resolved.
 */
static void
sf_connect_arm(struct sf_wtcp *wt, struct sf_conn *c)
{
	const struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	uint32_t ms = sf_tcp_backoff(c->cn_rto_base, tb->tb_backoff);

	if (tb->tb_syn_nwait)
		ms = RTE_MIN(ms, (uint32_t)SF_SYN_NWAIT_LOOK_MS) +
			SF_NEIGH_SCAN_MS;
	sf_conn_timer_set(wt, c, SF_CT_REXMT, ms);
}

/* The local address and port of k: the caller's, or chosen. */
static int
sf_connect_local(struct sf_wtcp *wt, const struct sf_connect_params *p,
		const struct sf_route_hop *hop, struct sf_flow_key *k,
		int32_t *tw)
{
	const struct sf_port *pt = sf_net_port(&wt->wt_net, hop->port);
	const struct sf_addr *src = p->local.family != 0 ? &p->local :
		&hop->src;

	if (k->fk_family == AF_INET) {
		if (p->local.family != 0 && !sf_port_owns_v4(pt, src->v4))
			return -EADDRNOTAVAIL;
		k->fk_laddr[0] = src->v4;
	} else {
		if (p->local.family != 0 && !sf_port_owns_v6(pt, src->v6))
			return -EADDRNOTAVAIL;
		memcpy(k->fk_laddr, src->v6, 16);
	}
	if (p->local_port == 0)
		return sf_portsel(wt, pt, wt->wt_net.nt_idx, k, tw);
	k->fk_lport = rte_cpu_to_be_16(p->local_port);
	return sf_portsel_check(wt, pt, wt->wt_net.nt_idx, k, tw);
}

int
sf_tcp_connect(struct sf_wtcp *wt, const struct sf_connect_params *p,
		struct sf_conn **out)
{
	struct sf_net *nt = &wt->wt_net;
	struct sf_etcp *et = wt->wt_et;
	const struct sf_port *pt;
	struct sf_route_hop hop;
	struct sf_flow_key k;
	struct sf_conn *c;
	struct sf_tcb *tb;
	uint32_t tw_snd_nxt = 0;
	int32_t tw = -1;
	uint64_t f;
	int ret;

	memset(&k, 0, sizeof(k));
	k.fk_family = p->remote.family;
	if (k.fk_family == AF_INET)
		k.fk_raddr[0] = p->remote.v4;
	else
		memcpy(k.fk_raddr, p->remote.v6, 16);
	k.fk_rport = rte_cpu_to_be_16(p->remote_port);
	if (sf_route_lookup(nt->nt_rt, k.fk_family, k.fk_raddr, &hop) != 0) {
		sf_count(nt, SF_CNT_connect_no_route);
		return -ENETUNREACH;
	}
	ret = sf_connect_local(wt, p, &hop, &k, &tw);
	if (ret != 0) {
		/* sf_portsel() counted its own (connect_no_port). */
		if (ret != -EADDRNOTAVAIL || p->local_port != 0 ||
		    p->local.family != 0)
			sf_count(nt, SF_CNT_connect_failed);
		return ret;
	}
	if (tw >= 0) {
		sf_count(nt, SF_CNT_connect_tw_reused);
		tw_snd_nxt = wt->wt_conn[tw].cn_snd_nxt;
		sf_conn_end(wt, &wt->wt_conn[tw], SF_CLOSE_DONE);
	}
	c = sf_conn_new(wt, &k, sf_flow_hash(&k, &et->et_hkey));
	if (c == NULL) {
		sf_count(nt, SF_CNT_connect_failed);
		return -ENOBUFS;
	}
	pt = sf_net_port(nt, hop.port);
	tb = &wt->wt_tcb[c->cn_id];
	/* RFC 6528: ISN = M + F(4-tuple, secret); the TS offset from F too. */
	f = sf_flow_prf(&et->et_isn_key, &k);
	c->cn_iss = sf_isn(f, rte_rdtsc());
	/*
	 * tcp_twsk_unique(): the 4-tuple of a TIME-WAIT connection starts
	 * past the old connection's sequence space and window, so the
	 * server, which may still hold the old one (its last ACK lost),
	 * cannot take the new SYN for an old segment.
	 */
	if (tw >= 0)
		c->cn_iss = tw_snd_nxt + 65535 + 2;
	c->cn_tsoff = sf_ts_offset(f);
	c->cn_snd_una = c->cn_iss;
	c->cn_snd_nxt = c->cn_iss + 1;
	c->cn_window = p->window;
	c->cn_rto_base = p->syn_timeout_ms;
	c->cn_port = hop.port;
	c->cn_listener = SF_LISTENER_NONE;
	c->cn_on_close = p->on_close;
	c->cn_on_data = p->on_data;
	c->cn_on_writable = p->on_writable;
	c->cn_arg = p->arg;
	c->cn_last_tx = nt->nt_now - SF_OOW_RATELIMIT_MS;
	/* What the SYN offers; the SYN-ACK says what is on. */
	c->cn_neg.ng_mss = sf_tcp_mtu_mss(pt, p->mss, k.fk_family);
	c->cn_neg.ng_rcv_wscale = p->wscale;
	c->cn_neg.ng_flags = SF_CONN_F_WSCALE |
		(p->sack ? SF_CONN_F_SACK : 0) |
		(p->timestamps ? SF_CONN_F_TS : 0) |
		(p->ecn ? SF_CONN_F_ECN : 0);
	c->cn_state = SF_CS_SYN_SENT;
	/* Every end of it is told, as after an accept. */
	c->cn_flags = SF_CNF_ACCEPTED;
	tb->tb_backoff = 0;
	tb->tb_rtt_at = nt->nt_now;
	tb->tb_kprobes = 0;
	tb->tb_syn_retries = p->syn_retries != 0 ? p->syn_retries :
		et->et_syn_retries;
	tb->tb_on_connected = p->on_connected;
	ret = sf_connect_xmit(wt, c, &k, &hop);
	if (ret != 0) {
		sf_count(nt, ret == -EHOSTUNREACH ? SF_CNT_connect_unreach :
			SF_CNT_connect_failed);
		sf_conn_release(wt, c);
		return ret;
	}
	sf_count(nt, SF_CNT_active_opens);
	sf_connect_arm(wt, c);
	if (out != NULL)
		*out = c;
	return 0;
}

/* The open failed: the application hears why, the slot goes. */
static void
sf_connect_fail(struct sf_wtcp *wt, struct sf_conn *c, enum sf_counter cnt,
		enum sf_close_reason why)
{
	sf_count(&wt->wt_net, cnt);
	sf_conn_end(wt, c, why);
}

/*
 * The SYN again (cnt counts it), or, when its next hop failed, the open
 * ends unreachable.
 */
static void
sf_connect_resend(struct sf_wtcp *wt, struct sf_conn *c,
		const struct sf_flow_key *k, const struct sf_route_hop *hop,
		enum sf_counter cnt)
{
	if (sf_connect_xmit(wt, c, k, hop) == -EHOSTUNREACH) {
		sf_connect_fail(wt, c, SF_CNT_connect_unreach,
			SF_CLOSE_UNREACH);
		return;
	}
	sf_count(&wt->wt_net, cnt);
	sf_connect_arm(wt, c);
}

void
sf_connect_rexmt(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_net *nt = &wt->wt_net;
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	const struct sf_flow_key *k = sf_ftab_key(&wt->wt_conntab, c->cn_id);
	struct sf_route_hop hop;
	uint32_t drops = 0;

	if (k == NULL)
		return;
	/* Routes are fixed at start: the open's route is still there. */
	if (sf_route_lookup(nt->nt_rt, k->fk_family, k->fk_raddr, &hop) != 0) {
		sf_connect_fail(wt, c, SF_CNT_connect_unreach,
			SF_CLOSE_UNREACH);
		return;
	}
	if (tb->tb_syn_nwait) {
		switch (sf_neigh_state(nt, hop.port, k->fk_family,
				sf_hop_addr(&hop), &drops)) {
		case SF_NUD_FAILED:
			sf_connect_fail(wt, c, SF_CNT_connect_unreach,
				SF_CLOSE_UNREACH);
			return;
		case SF_NUD_INCOMPLETE:
			/* The SYN is queued there still: look again. */
			if (tb->tb_kprobes++ < SF_SYN_NWAIT_MAX) {
				sf_connect_arm(wt, c);
				return;
			}
			break;
		case SF_NUD_NONE:
			break;
		default:
			/*
			 * Resolved. The SYN left with the queue (an ordinary
			 * SYN from here: its timeout from now), unless newer
			 * frames pushed it out of the queue's 3 (many opens to
			 * one new next hop: its ticket lies below the entry's
			 * drops): then it goes now rather than a second later,
			 * as a first transmission (no retransmission counted,
			 * no backoff).
			 */
			if ((int32_t)(tb->tb_syn_ticket - drops) >= 0) {
				tb->tb_syn_nwait = 0;
				sf_connect_arm(wt, c);
				return;
			}
			sf_connect_resend(wt, c, k, &hop,
				SF_CNT_connect_syn_resolved);
			return;
		}
	}
	if (tb->tb_backoff >= tb->tb_syn_retries) {
		sf_connect_fail(wt, c, SF_CNT_connect_timeouts,
			SF_CLOSE_TIMEOUT);
		return;
	}
	tb->tb_backoff++;
	sf_connect_resend(wt, c, k, &hop, SF_CNT_connect_syn_retrans);
}

/*
 * The SYN-ACK's options against our SYN's (tcp_rcv_synsent_state_process()
 * with tcp_parse_options()): each option on only when both sent it.
 */
static void
sf_connect_negotiate(struct sf_conn *c, const struct sf_seg *s)
{
	const struct sf_tcp_opts *to = &s->sg_opts;
	uint8_t offer = c->cn_neg.ng_flags;
	uint16_t ours = c->cn_neg.ng_mss, peer;

	c->cn_neg.ng_flags = 0;
	if ((offer & SF_CONN_F_WSCALE) && (to->to_flags & SF_TOF_WSCALE)) {
		c->cn_neg.ng_flags |= SF_CONN_F_WSCALE;
		c->cn_neg.ng_snd_wscale = to->to_wscale;
	} else {
		c->cn_neg.ng_snd_wscale = c->cn_neg.ng_rcv_wscale = 0;
	}
	if ((offer & SF_CONN_F_SACK) && (to->to_flags & SF_TOF_SACKPERM))
		c->cn_neg.ng_flags |= SF_CONN_F_SACK;
	if ((offer & SF_CONN_F_TS) && (to->to_flags & SF_TOF_TS)) {
		c->cn_neg.ng_flags |= SF_CONN_F_TS;
		c->cn_ts_recent = to->to_tsval;
	}
	/* tcp_ecn_rcv_synack(): ECE without CWR answers an ECN-setup SYN. */
	if ((offer & SF_CONN_F_ECN) &&
	    (s->sg_flags & (SF_TH_ECE | SF_TH_CWR)) == SF_TH_ECE)
		c->cn_neg.ng_flags |= SF_CONN_F_ECN;
	peer = (to->to_flags & SF_TOF_MSS) && to->to_mss != 0 ? to->to_mss :
		s->sg_key.fk_family == AF_INET ? SF_MSS_DEFAULT_V4 :
		SF_MSS_DEFAULT_V6;
	c->cn_neg.ng_mss = RTE_MAX(RTE_MIN(peer, ours),
		(uint16_t)SF_MIN_SND_MSS);
	/* RFC 7323 3.2: the MSS counts no options; sends do. */
	if (c->cn_neg.ng_flags & SF_CONN_F_TS)
		c->cn_neg.ng_mss -= 12;
}

/* The SYN-ACK: ESTABLISHED, on_connected, our ACK (in place). */
static enum sf_verdict
sf_connect_established(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s)
{
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	struct sf_conn_info ci;
	uint32_t gen = c->cn_gen;
	uint8_t sw;

	sf_connect_negotiate(c, s);
	c->cn_irs = s->sg_seq;
	c->cn_rcv_nxt = s->sg_seq + 1;
	/* Nothing acknowledged yet: the ACK below must go. */
	c->cn_rcv_adv = s->sg_seq;
	c->cn_snd_una = s->sg_ack;
	/*
	 * RFC 7323 2.2: a SYN-ACK's window is never scaled; the connection
	 * keeps the field as later segments scale it (no less than 1 when
	 * it was open).
	 */
	sw = c->cn_neg.ng_snd_wscale;
	c->cn_snd_wnd = (uint16_t)(s->sg_win >> sw);
	if (c->cn_snd_wnd == 0 && s->sg_win != 0)
		c->cn_snd_wnd = 1;
	sf_l2peer_from_frame(s->sg_m, s->sg_p, &c->cn_l2);
	c->cn_state = SF_CS_ESTABLISHED;
	sf_conn_timer_stop(wt, c, SF_CT_REXMT);
	/*
	 * The SYN's round trip seeds the RTT estimator when it is clean: the
	 * SYN went once, straight out (not after waiting for its next hop).
	 */
	if (tb->tb_backoff == 0 && tb->tb_kprobes == 0 && !tb->tb_syn_nwait)
		sf_snd_rtt_seed(wt, c, wt->wt_net.nt_now - tb->tb_rtt_at);
	tb->tb_backoff = 0;
	sf_count(&wt->wt_net, SF_CNT_connect_established);
	sf_conn_get_info(c, &ci);
	tb->tb_on_connected(c, &ci, c->cn_arg);
	/* Closed, reset or ended inside the callback. */
	if (sf_conn_live(c, gen) != 0)
		return SF_VERDICT_DONE;
	if (c->cn_rcv_adv != c->cn_rcv_nxt)
		return sf_conn_reply(wt, pt, c, s, c->cn_snd_nxt, SF_TH_ACK);
	return SF_VERDICT_DONE;
}

/*
 * Is tsecr the echo of one of our SYNs' TSvals: between the first one's
 * and now (tcp_rcv_synsent_state_process()'s between(rcv_tsecr,
 * retrans_stamp, tcp_time_stamp))?
 */
static bool
sf_connect_tsecr_ok(const struct sf_wtcp *wt, const struct sf_conn *c,
		uint32_t tsecr)
{
	uint32_t first = wt->wt_tcb[c->cn_id].tb_rtt_at + c->cn_tsoff;

	return tsecr - first <= wt->wt_net.nt_now - wt->wt_tcb[c->cn_id].tb_rtt_at;
}

/* RFC 9293 3.10.7.3, SYN-SENT, in Linux's order. */
enum sf_verdict
sf_connect_input(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s)
{
	const struct sf_tcp_opts *to = &s->sg_opts;
	uint8_t f = s->sg_flags;

	if (!(f & SF_TH_ACK)) {
		/* "If the RST bit is set ... drop the segment and return." */
		if ((f & (SF_TH_SYN | SF_TH_RST)) == SF_TH_SYN)
			return sf_drop(&wt->wt_net,
				SF_CNT_drop_tcp_simultaneous_open);
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_synsent_noflags);
	}
	/* "If SEG.ACK =< ISS, or SEG.ACK > SND.NXT, send a reset". */
	if (s->sg_ack != c->cn_iss + 1) {
		struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];

		if (f & SF_TH_RST)
			return sf_drop(&wt->wt_net,
				SF_CNT_drop_tcp_synsent_bad_ack);
		/* A stale connection of the server's: our SYN again soon. */
		if (tb->tb_backoff == 0 && !tb->tb_syn_nwait)
			sf_conn_timer_set(wt, c, SF_CT_REXMT,
				SF_SYN_RETRY_SOON_MS);
		sf_count(&wt->wt_net, SF_CNT_connect_bad_ack);
		return sf_tcp_reply_rst(wt, pt, s);
	}
	if ((c->cn_neg.ng_flags & SF_CONN_F_TS) && (to->to_flags & SF_TOF_TS) &&
	    to->to_tsecr != 0 && !sf_connect_tsecr_ok(wt, c, to->to_tsecr)) {
		sf_count(&wt->wt_net, SF_CNT_paws_active_rejected);
		if (f & SF_TH_RST)
			return sf_drop(&wt->wt_net,
				SF_CNT_drop_tcp_synsent_bad_ack);
		return sf_tcp_reply_rst(wt, pt, s);
	}
	if (f & SF_TH_RST) {
		sf_connect_fail(wt, c, SF_CNT_connect_refused, SF_CLOSE_REFUSED);
		return SF_VERDICT_DONE;
	}
	if (!(f & SF_TH_SYN))
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_synsent_noflags);
	return sf_connect_established(wt, pt, c, s);
}
