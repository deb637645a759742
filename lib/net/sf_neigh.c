/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The neighbour table: ARP (RFC 826) and IPv6 neighbour discovery (RFC
 * 4861 7.2/7.3) resolution on demand, learning from the ARP and ND
 * traffic that concerns us, and the announcements of our addresses at
 * start. The sharing between workers (one table, lock-free readers under
 * per-entry sequence counters, one writer lock) is explained in
 * sf_neigh.h.
 *
 * The state machine is Linux's (neighbour.c, neigh_timer_handler() and
 * __neigh_event_send()), with these differences, all documented in
 * docs/connect.md:
 *  - REACHABLE goes to STALE when its reachable time is up; Linux goes
 *    to DELAY instead when the entry was used within the last
 *    delay_first_probe_time. Here the next use of the STALE entry moves
 *    it to DELAY, so a used entry is probed all the same, one use later,
 *    and the lock-free read path never writes.
 *  - Upper layers do not confirm reachability (Linux's neigh_confirm()
 *    from TCP progress): only ARP and NA traffic does.
 *  - A FAILED entry answers UNREACH for retrans_time, then the next
 *    resolve starts over; Linux restarts at once and reports the failure
 *    by a local ICMP host unreachable per dropped frame.
 *  - The pending queue holds SF_NEIGH_QLEN frames; a new frame pushes
 *    out the oldest (Linux's __neigh_event_send() with unres_qlen_bytes).
 */

#include <netinet/in.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "sf_cksum.h"
#include "sf_neigh.h"
#include "sf_net.h"

#define SF_ND_NS 135
#define SF_ND_NA 136
#define SF_ND_OPT_SLLA 1
#define SF_ND_OPT_TLLA 2
#define SF_ND_HOP_LIMIT 255
#define SF_NA_FLAG_SOLICITED 0x40
#define SF_NA_FLAG_OVERRIDE 0x20

/* NS or NA with one link-layer address option (RFC 4861 4.3, 4.4). */
struct sf_nd_lla_msg {
	uint8_t nm_type;
	uint8_t nm_code;
	rte_be16_t nm_cksum;
	uint8_t nm_flags;
	uint8_t nm_reserved[3];
	uint8_t nm_target[16];
	uint8_t nm_opt_type;
	uint8_t nm_opt_len;         /* units of 8 bytes: 1 */
	uint8_t nm_mac[RTE_ETHER_ADDR_LEN];
} __rte_packed;

static const uint8_t sf_ip6_all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

static const char *const sf_nud_names[SF_NUD_MAX] = {
	[SF_NUD_NONE] = "NONE",
	[SF_NUD_INCOMPLETE] = "INCOMPLETE",
	[SF_NUD_REACHABLE] = "REACHABLE",
	[SF_NUD_STALE] = "STALE",
	[SF_NUD_DELAY] = "DELAY",
	[SF_NUD_PROBE] = "PROBE",
	[SF_NUD_FAILED] = "FAILED",
};

const char *
sf_neigh_state_name(uint8_t state)
{
	return state < SF_NUD_MAX ? sf_nud_names[state] : "?";
}

/* Linux's NUD_VALID: a MAC to send to. */
static bool
sf_nud_valid(uint8_t s)
{
	return s == SF_NUD_REACHABLE || s == SF_NUD_STALE ||
		s == SF_NUD_DELAY || s == SF_NUD_PROBE;
}

static uint16_t
sf_neigh_port_of(const struct sf_net *nt, const struct sf_port *pt)
{
	return (uint16_t)(pt - nt->nt_ports);
}

static bool
sf_ms_after_eq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/* Linux's neigh_rand_reach_time(): base/2 + random(0..base). */
static uint32_t
sf_neigh_rand_reach(void)
{
	return SF_NEIGH_REACHABLE_MS / 2 +
		(uint32_t)(rte_rand() % SF_NEIGH_REACHABLE_MS);
}

void
sf_neigh_init(struct sf_neigh_tab *t, uint32_t seed)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	rte_spinlock_init(&t->nh_lock);
	t->nh_seed = seed;
	for (i = 0; i < SF_NEIGH_SIZE; i++)
		rte_seqcount_init(&t->nh_ent[i].nb_sc);
}

/* Frames still queued go back to their pool (the workers stopped). */
void
sf_neigh_fini(struct sf_neigh_tab *t)
{
	unsigned int i, j;

	for (i = 0; i < SF_NEIGH_SIZE; i++) {
		struct sf_neigh *n = &t->nh_ent[i];

		for (j = 0; j < n->nb_nq; j++)
			rte_pktmbuf_free(n->nb_q[j]);
		n->nb_nq = 0;
	}
}

static unsigned int
sf_neigh_bucket(const struct sf_neigh_tab *t, uint16_t port, uint8_t family,
		const uint8_t *addr)
{
	/* rte_jhash() loads words; addr may be anywhere in a frame. */
	uint32_t key[4], len = family == AF_INET ? 4 : 16, h;

	memcpy(key, addr, len);
	h = rte_jhash(key, len, t->nh_seed ^ ((uint32_t)port << 8 | family));
	return (h & (SF_NEIGH_BUCKETS - 1)) * SF_NEIGH_WAYS;
}

static bool
sf_neigh_match(const struct sf_neigh *n, uint16_t port, uint8_t family,
		const uint8_t *addr)
{
	return n->nb_family == family && n->nb_port == port &&
		memcmp(n->nb_addr, addr, family == AF_INET ? 4 : 16) == 0;
}

/* The entry for a next hop, or NULL: writers, under the lock. */
static struct sf_neigh *
sf_neigh_find(struct sf_neigh_tab *t, uint16_t port, uint8_t family,
		const uint8_t *addr)
{
	unsigned int b = sf_neigh_bucket(t, port, family, addr), i;

	for (i = 0; i < SF_NEIGH_WAYS; i++)
		if (sf_neigh_match(&t->nh_ent[b + i], port, family, addr))
			return &t->nh_ent[b + i];
	return NULL;
}

static void
sf_neigh_free_q(struct sf_net *nt, struct sf_neigh *n, enum sf_counter c)
{
	unsigned int i;

	for (i = 0; i < n->nb_nq; i++)
		rte_pktmbuf_free(n->nb_q[i]);
	if (n->nb_nq != 0)
		sf_count_n(nt, c, n->nb_nq);
	n->nb_nq = 0;
}

/*
 * A slot for a new entry: a free one in its bucket, else the one unused
 * longest among those nobody waits on (FAILED or STALE, nothing queued;
 * Linux's neigh_forced_gc() takes the same). NULL when the bucket holds
 * only live resolutions and fresh entries.
 */
static struct sf_neigh *
sf_neigh_alloc(struct sf_net *nt, struct sf_neigh_tab *t, uint16_t port,
		uint8_t family, const uint8_t *addr)
{
	unsigned int b = sf_neigh_bucket(t, port, family, addr), i;
	struct sf_neigh *n, *victim = NULL;

	for (i = 0; i < SF_NEIGH_WAYS; i++) {
		n = &t->nh_ent[b + i];
		if (n->nb_family == 0) {
			victim = n;
			break;
		}
		if ((n->nb_state == SF_NUD_FAILED ||
		     n->nb_state == SF_NUD_STALE) && n->nb_nq == 0 &&
		    (victim == NULL ||
		     (int32_t)(n->nb_used - victim->nb_used) < 0))
			victim = n;
	}
	if (victim == NULL) {
		sf_count(nt, SF_CNT_neigh_table_full);
		return NULL;
	}
	rte_seqcount_write_begin(&victim->nb_sc);
	if (victim->nb_family != 0)
		sf_count(nt, SF_CNT_neigh_removed);
	else
		t->nh_count++;
	victim->nb_family = family;
	victim->nb_port = port;
	memset(victim->nb_addr, 0, sizeof(victim->nb_addr));
	memcpy(victim->nb_addr, addr, family == AF_INET ? 4 : 16);
	memset(&victim->nb_mac, 0, sizeof(victim->nb_mac));
	victim->nb_state = SF_NUD_NONE;
	victim->nb_probes = 0;
	victim->nb_nq = 0;
	victim->nb_enq = 0;
	__atomic_store_n(&victim->nb_drops, 0, __ATOMIC_RELEASE);
	victim->nb_armed = false;
	victim->nb_updated = nt->nt_now;
	victim->nb_used = nt->nt_now;
	victim->nb_confirmed = nt->nt_now - SF_NEIGH_REACHABLE_MS * 2;
	victim->nb_reach_ms = sf_neigh_rand_reach();
	rte_seqcount_write_end(&victim->nb_sc);
	sf_count(nt, SF_CNT_neigh_created);
	return victim;
}

static void
sf_neigh_remove(struct sf_net *nt, struct sf_neigh_tab *t, struct sf_neigh *n)
{
	sf_neigh_free_q(nt, n, SF_CNT_neigh_queue_failed);
	rte_seqcount_write_begin(&n->nb_sc);
	n->nb_family = 0;
	n->nb_armed = false;
	rte_seqcount_write_end(&n->nb_sc);
	t->nh_count--;
	sf_count(nt, SF_CNT_neigh_removed);
}

/*
 * Our source address for a solicitation: the port's address whose
 * prefix holds the target, else its first one of the family (Linux's
 * arp_solicit() and ndisc_solicit() take the queued frame's source when
 * it is ours, else the device's best: this is the on-link subset).
 * false when the port has none.
 */
static bool
sf_neigh_src(const struct sf_port *pt, uint8_t family, const uint8_t *target,
		uint8_t *src)
{
	unsigned int i, b;

	if (family == AF_INET) {
		uint32_t tgt;

		if (pt->pt_nb_v4 == 0)
			return false;
		memcpy(&tgt, target, 4);
		memcpy(src, &pt->pt_v4[0], 4);
		for (i = 0; i < pt->pt_nb_v4; i++) {
			uint32_t mask = pt->pt_v4_plen[i] == 0 ? 0 :
				rte_cpu_to_be_32(~0u << (32 - pt->pt_v4_plen[i]));

			if (((pt->pt_v4[i] ^ tgt) & mask) == 0) {
				memcpy(src, &pt->pt_v4[i], 4);
				break;
			}
		}
		return true;
	}
	if (pt->pt_nb_v6 == 0)
		return false;
	memcpy(src, pt->pt_v6[0], 16);
	for (i = 0; i < pt->pt_nb_v6; i++) {
		uint8_t plen = pt->pt_v6_plen[i];
		bool same = true;

		for (b = 0; b < plen && same; b++)
			same = ((pt->pt_v6[i][b / 8] ^ target[b / 8]) &
				(0x80 >> (b % 8))) == 0;
		if (same) {
			memcpy(src, pt->pt_v6[i], 16);
			break;
		}
	}
	return true;
}

/* An ARP packet from us: request (tha zero) or gratuitous request. */
static void
sf_neigh_send_arp(struct sf_net *nt, uint16_t port, const uint8_t *sip,
		const uint8_t *tip, const struct rte_ether_addr *dst)
{
	const struct sf_port *pt = sf_net_port(nt, port);
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;
	struct rte_mbuf *m;

	m = sf_net_alloc(nt);
	if (m == NULL)
		return;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
			sizeof(*eh) + sizeof(*ah));
	if (eh == NULL) {
		rte_pktmbuf_free(m);
		sf_count(nt, SF_CNT_tx_nombuf);
		return;
	}
	if (dst != NULL)
		rte_ether_addr_copy(dst, &eh->dst_addr);
	else
		memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
	rte_ether_addr_copy(&pt->pt_mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	ah = (struct rte_arp_hdr *)(eh + 1);
	ah->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = 4;
	ah->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&pt->pt_mac, &ah->arp_data.arp_sha);
	memcpy(&ah->arp_data.arp_sip, sip, 4);
	/* Linux leaves the target hardware address zero (arp_create()). */
	memset(&ah->arp_data.arp_tha, 0, sizeof(ah->arp_data.arp_tha));
	memcpy(&ah->arp_data.arp_tip, tip, 4);
	sf_net_tx(nt, port, m);
}

/*
 * An NS (type SF_ND_NS: to the target's solicited-node group, or to
 * dst when probing) or an unsolicited NA (SF_ND_NA, to all-nodes), with
 * our link-layer address in the option (RFC 4861 7.2.2, 7.2.6).
 */
static void
sf_neigh_send_nd(struct sf_net *nt, uint16_t port, uint8_t type,
		const uint8_t *src, const uint8_t *target,
		const struct rte_ether_addr *dst)
{
	const struct sf_port *pt = sf_net_port(nt, port);
	struct sf_nd_lla_msg *nm;
	struct rte_ipv6_hdr *ip6;
	struct rte_ether_hdr *eh;
	struct rte_mbuf *m;

	m = sf_net_alloc(nt);
	if (m == NULL)
		return;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
			sizeof(*eh) + sizeof(*ip6) + sizeof(*nm));
	if (eh == NULL) {
		rte_pktmbuf_free(m);
		sf_count(nt, SF_CNT_tx_nombuf);
		return;
	}
	ip6 = (struct rte_ipv6_hdr *)(eh + 1);
	nm = (struct sf_nd_lla_msg *)(ip6 + 1);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16(sizeof(*nm));
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = SF_ND_HOP_LIMIT;
	memcpy(ip6->src_addr, src, 16);
	memset(nm, 0, sizeof(*nm));
	nm->nm_type = type;
	memcpy(nm->nm_target, target, 16);
	nm->nm_opt_len = 1;
	memcpy(nm->nm_mac, pt->pt_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	if (type == SF_ND_NA) {
		/* RFC 4861 7.2.6: unsolicited, Override set. */
		nm->nm_flags = SF_NA_FLAG_OVERRIDE;
		nm->nm_opt_type = SF_ND_OPT_TLLA;
		memcpy(ip6->dst_addr, sf_ip6_all_nodes, 16);
	} else {
		nm->nm_opt_type = SF_ND_OPT_SLLA;
		if (dst != NULL) {
			memcpy(ip6->dst_addr, target, 16);
		} else {
			/* ff02::1:ffXX:XXXX, RFC 4291 2.7.1 */
			static const uint8_t snm[13] = { 0xff, 0x02,
				[11] = 0x01, [12] = 0xff };

			memcpy(ip6->dst_addr, snm, 13);
			memcpy(ip6->dst_addr + 13, target + 13, 3);
		}
	}
	nm->nm_cksum = sf_ip6_l4_cksum(ip6, nm, sizeof(*nm), IPPROTO_ICMPV6);
	if (dst != NULL) {
		rte_ether_addr_copy(dst, &eh->dst_addr);
	} else {
		/* 33:33 + the low 32 bits of the group (RFC 2464 7). */
		eh->dst_addr.addr_bytes[0] = 0x33;
		eh->dst_addr.addr_bytes[1] = 0x33;
		memcpy(&eh->dst_addr.addr_bytes[2], ip6->dst_addr + 12, 4);
	}
	rte_ether_addr_copy(&pt->pt_mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	sf_net_tx(nt, port, m);
}

/*
 * One solicitation for n: multicast (broadcast ARP, NS to the
 * solicited-node group) while INCOMPLETE, unicast to the cached MAC in
 * PROBE (RFC 4861 7.3.3, Linux's neigh_probe()).
 */
static void
sf_neigh_solicit(struct sf_net *nt, struct sf_neigh *n)
{
	const struct sf_port *pt = sf_net_port(nt, n->nb_port);
	const struct rte_ether_addr *dst = NULL;
	uint8_t src[16];

	if (!sf_neigh_src(pt, n->nb_family, n->nb_addr, src))
		return;
	if (n->nb_state == SF_NUD_PROBE) {
		dst = &n->nb_mac;
		sf_count(nt, SF_CNT_neigh_probes_ucast);
	} else {
		sf_count(nt, SF_CNT_neigh_probes_mcast);
	}
	if (n->nb_family == AF_INET)
		sf_neigh_send_arp(nt, n->nb_port, src, n->nb_addr, dst);
	else
		sf_neigh_send_nd(nt, n->nb_port, SF_ND_NS, src, n->nb_addr,
			dst);
}

/* The frames that waited for n leave with its MAC. */
static void
sf_neigh_release(struct sf_net *nt, struct sf_neigh *n)
{
	unsigned int i;

	for (i = 0; i < n->nb_nq; i++) {
		struct rte_mbuf *m = n->nb_q[i];
		struct rte_ether_hdr *eh =
			rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

		rte_ether_addr_copy(&n->nb_mac, &eh->dst_addr);
		sf_net_tx(nt, n->nb_port, m);
	}
	if (n->nb_nq != 0)
		sf_count_n(nt, SF_CNT_neigh_queue_sent, n->nb_nq);
	n->nb_nq = 0;
}

static void
sf_neigh_enqueue(struct sf_net *nt, struct sf_neigh *n, struct rte_mbuf *m,
		uint32_t *ticket)
{
	if (n->nb_nq == SF_NEIGH_QLEN) {
		/* Oldest out, as Linux's __neigh_event_send(). */
		rte_pktmbuf_free(n->nb_q[0]);
		memmove(&n->nb_q[0], &n->nb_q[1],
			sizeof(n->nb_q[0]) * (SF_NEIGH_QLEN - 1));
		n->nb_nq--;
		__atomic_store_n(&n->nb_drops, n->nb_drops + 1,
			__ATOMIC_RELEASE);
		sf_count(nt, SF_CNT_neigh_queue_overflow);
	}
	if (ticket != NULL)
		*ticket = n->nb_enq;
	n->nb_enq++;
	n->nb_q[n->nb_nq++] = m;
	sf_count(nt, SF_CNT_neigh_queued);
}

/* Start (or restart) resolution of n: INCOMPLETE, first solicitation. */
static void
sf_neigh_start(struct sf_net *nt, struct sf_neigh *n)
{
	rte_seqcount_write_begin(&n->nb_sc);
	n->nb_state = SF_NUD_INCOMPLETE;
	n->nb_probes = 1;
	n->nb_updated = nt->nt_now;
	n->nb_armed = true;
	n->nb_timer = nt->nt_now + SF_NEIGH_RETRANS_MS;
	rte_seqcount_write_end(&n->nb_sc);
	sf_neigh_solicit(nt, n);
}

/* A lock-free copy of the state and MAC of a next hop; false: none. */
static bool
sf_neigh_peek(const struct sf_neigh_tab *t, uint16_t port, uint8_t family,
		const uint8_t *addr, uint8_t *state, struct rte_ether_addr *mac,
		uint32_t *drops)
{
	unsigned int b = sf_neigh_bucket(t, port, family, addr), i;

	for (i = 0; i < SF_NEIGH_WAYS; i++) {
		const struct sf_neigh *n = &t->nh_ent[b + i];
		uint32_t sn;
		bool hit;

		do {
			sn = rte_seqcount_read_begin(&n->nb_sc);
			hit = sf_neigh_match(n, port, family, addr);
			*state = n->nb_state;
			*mac = n->nb_mac;
			if (drops != NULL)
				*drops = __atomic_load_n(&n->nb_drops,
					__ATOMIC_ACQUIRE);
		} while (rte_seqcount_read_retry(&n->nb_sc, sn));
		if (hit)
			return true;
	}
	return false;
}

uint8_t
sf_neigh_state(const struct sf_net *nt, uint16_t port, uint8_t family,
		const void *addr, uint32_t *drops)
{
	struct rte_ether_addr mac;
	uint8_t state;

	if (nt->nt_neigh == NULL ||
	    !sf_neigh_peek(nt->nt_neigh, port, family, addr, &state, &mac,
		    drops))
		return SF_NUD_NONE;
	return state;
}

enum sf_neigh_res
sf_neigh_resolve_ticket(struct sf_net *nt, uint16_t port, uint8_t family,
		const void *addr, struct rte_mbuf *m, struct rte_ether_addr *mac,
		uint32_t *ticket)
{
	struct sf_neigh_tab *t = nt->nt_neigh;
	enum sf_neigh_res res = SF_NEIGH_QUEUED;
	struct sf_neigh *n;
	uint8_t state, src[16];

	if (t == NULL || (family != AF_INET && family != AF_INET6))
		return SF_NEIGH_ERROR;
	/* The fast path: a confirmed or already re-probed entry. */
	if (sf_neigh_peek(t, port, family, addr, &state, mac, NULL) &&
	    (state == SF_NUD_REACHABLE || state == SF_NUD_DELAY ||
	     state == SF_NUD_PROBE))
		return SF_NEIGH_READY;

	rte_spinlock_lock(&t->nh_lock);
	n = sf_neigh_find(t, port, family, addr);
	if (n == NULL) {
		if (!sf_neigh_src(sf_net_port(nt, port), family, addr, src)) {
			res = SF_NEIGH_ERROR;
			goto out;
		}
		n = sf_neigh_alloc(nt, t, port, family, addr);
		if (n == NULL) {
			res = SF_NEIGH_ERROR;
			goto out;
		}
	}
	n->nb_used = nt->nt_now;
	switch (n->nb_state) {
	case SF_NUD_REACHABLE:
	case SF_NUD_DELAY:
	case SF_NUD_PROBE:
		*mac = n->nb_mac;
		res = SF_NEIGH_READY;
		goto out;
	case SF_NUD_STALE:
		/* RFC 4861 7.3.3: used while STALE, wait, then probe. */
		rte_seqcount_write_begin(&n->nb_sc);
		n->nb_state = SF_NUD_DELAY;
		n->nb_updated = nt->nt_now;
		n->nb_probes = 0;
		n->nb_armed = true;
		n->nb_timer = nt->nt_now + SF_NEIGH_DELAY_MS;
		rte_seqcount_write_end(&n->nb_sc);
		*mac = n->nb_mac;
		res = SF_NEIGH_READY;
		goto out;
	case SF_NUD_FAILED:
		if (!sf_ms_after_eq(nt->nt_now,
				n->nb_updated + SF_NEIGH_RETRANS_MS)) {
			sf_count(nt, SF_CNT_neigh_unreach);
			res = SF_NEIGH_UNREACH;
			goto out;
		}
		/* fall through */
	case SF_NUD_NONE:
		sf_neigh_start(nt, n);
		break;
	default:          /* INCOMPLETE: solicitations already out */
		break;
	}
	if (m != NULL)
		sf_neigh_enqueue(nt, n, m, ticket);
out:
	rte_spinlock_unlock(&t->nh_lock);
	return res;
}

/*
 * Linux's neigh_update(), for the flags this file uses. Under the lock.
 * A valid entry keeps its MAC against a different one unless OVERRIDE;
 * with WEAK, a different MAC only makes a REACHABLE entry STALE (RFC
 * 4861 7.2.5, an NA without O). The same MAC and a STALE verdict leave
 * the state as it is (a request from a REACHABLE peer does not demote
 * it).
 */
static void
sf_neigh_update(struct sf_net *nt, struct sf_neigh *n,
		const struct rte_ether_addr *mac, uint8_t new_state,
		unsigned int flags)
{
	bool was_valid = sf_nud_valid(n->nb_state);
	bool same = was_valid && rte_is_same_ether_addr(mac, &n->nb_mac);
	bool resolved = !was_valid && n->nb_state != SF_NUD_FAILED &&
		n->nb_state != SF_NUD_NONE;

	if (was_valid && !same && !(flags & SF_NEIGH_F_OVERRIDE)) {
		if ((flags & SF_NEIGH_F_WEAK) &&
		    n->nb_state == SF_NUD_REACHABLE) {
			rte_seqcount_write_begin(&n->nb_sc);
			n->nb_state = SF_NUD_STALE;
			n->nb_updated = nt->nt_now;
			n->nb_armed = false;
			rte_seqcount_write_end(&n->nb_sc);
		}
		sf_count(nt, SF_CNT_neigh_override_refused);
		return;
	}
	if (same && new_state == SF_NUD_STALE)
		return;
	rte_seqcount_write_begin(&n->nb_sc);
	if (was_valid && !same)
		sf_count(nt, SF_CNT_neigh_mac_changed);
	rte_ether_addr_copy(mac, &n->nb_mac);
	n->nb_state = new_state;
	n->nb_updated = nt->nt_now;
	n->nb_probes = 0;
	if (new_state == SF_NUD_REACHABLE) {
		n->nb_confirmed = nt->nt_now;
		n->nb_reach_ms = sf_neigh_rand_reach();
		n->nb_armed = true;
		n->nb_timer = nt->nt_now + n->nb_reach_ms;
	} else {
		n->nb_armed = false;   /* STALE: only the gc looks at it */
	}
	rte_seqcount_write_end(&n->nb_sc);
	sf_count(nt, SF_CNT_neigh_learnt);
	if (resolved)
		sf_count(nt, SF_CNT_neigh_resolved);
	sf_neigh_release(nt, n);
}

void
sf_neigh_learn(struct sf_net *nt, uint16_t port, uint8_t family,
		const void *addr, const struct rte_ether_addr *mac,
		uint8_t new_state, unsigned int flags)
{
	struct sf_neigh_tab *t = nt->nt_neigh;
	struct sf_neigh *n;

	if (t == NULL || !rte_is_valid_assigned_ether_addr(mac))
		return;
	rte_spinlock_lock(&t->nh_lock);
	n = sf_neigh_find(t, port, family, addr);
	if (n == NULL && (flags & SF_NEIGH_F_CREATE))
		n = sf_neigh_alloc(nt, t, port, family, addr);
	if (n != NULL)
		sf_neigh_update(nt, n, mac, new_state, flags);
	rte_spinlock_unlock(&t->nh_lock);
}

/*
 * RFC 826's merge, as Linux's arp_process(): a request for one of our
 * addresses makes (or refreshes) an entry for its sender, STALE (Linux's
 * neigh_event_ns()); any other request or reply only updates an entry
 * that exists (arp_accept=0: gratuitous ARP creates nothing). A reply
 * unicast to us confirms (REACHABLE); the rest says STALE. Within
 * locktime of the last update a different MAC is ignored, except from a
 * gratuitous ARP. The caller checked the format and that sip is a
 * unicast address that is not ours.
 */
void
sf_neigh_arp_learn(struct sf_net *nt, const struct sf_port *pt, uint16_t op,
		uint32_t sip, uint32_t tip, const struct rte_ether_addr *sha,
		bool to_us_unicast)
{
	struct sf_neigh_tab *t = nt->nt_neigh;
	uint16_t port = sf_neigh_port_of(nt, pt);
	unsigned int flags = 0;
	struct sf_neigh *n;
	uint8_t state;

	if (t == NULL || !rte_is_valid_assigned_ether_addr(sha))
		return;
	if (op == RTE_ARP_OP_REQUEST && sip != tip &&
	    sf_port_owns_v4(pt, tip)) {
		sf_neigh_learn(nt, port, AF_INET, &sip, sha, SF_NUD_STALE,
			SF_NEIGH_F_CREATE | SF_NEIGH_F_OVERRIDE);
		return;
	}
	state = op == RTE_ARP_OP_REPLY && to_us_unicast ? SF_NUD_REACHABLE :
		SF_NUD_STALE;
	rte_spinlock_lock(&t->nh_lock);
	n = sf_neigh_find(t, port, AF_INET, (const uint8_t *)&sip);
	if (n != NULL) {
		if (sip == tip || sf_ms_after_eq(nt->nt_now,
				n->nb_updated + SF_NEIGH_LOCKTIME_MS))
			flags |= SF_NEIGH_F_OVERRIDE;
		sf_neigh_update(nt, n, sha, state, flags);
	}
	rte_spinlock_unlock(&t->nh_lock);
}

/*
 * RFC 4861 7.2.5. No entry: nothing (an NA creates none). INCOMPLETE:
 * with a TLLA, the MAC and REACHABLE (S) or STALE. Otherwise O, or the
 * same MAC, or no TLLA: S makes it REACHABLE, a new MAC without S makes
 * it STALE; without O a different MAC only demotes REACHABLE to STALE.
 */
void
sf_neigh_na_learn(struct sf_net *nt, uint16_t port, const uint8_t *target,
		const struct rte_ether_addr *tlla, uint8_t flags)
{
	struct sf_neigh_tab *t = nt->nt_neigh;
	bool sol = flags & SF_NA_FLAG_SOLICITED;
	bool ovr = flags & SF_NA_FLAG_OVERRIDE;
	struct sf_neigh *n;

	if (t == NULL)
		return;
	rte_spinlock_lock(&t->nh_lock);
	n = sf_neigh_find(t, port, AF_INET6, target);
	if (n == NULL) {
		rte_spinlock_unlock(&t->nh_lock);
		return;
	}
	if (!sf_nud_valid(n->nb_state)) {
		/* INCOMPLETE (or FAILED, late): only a TLLA resolves it. */
		if (tlla != NULL && n->nb_state != SF_NUD_NONE)
			sf_neigh_update(nt, n, tlla, sol ? SF_NUD_REACHABLE :
				SF_NUD_STALE, SF_NEIGH_F_OVERRIDE);
	} else if (tlla == NULL) {
		if (sol)
			sf_neigh_update(nt, n, &n->nb_mac, SF_NUD_REACHABLE,
				SF_NEIGH_F_OVERRIDE);
	} else {
		sf_neigh_update(nt, n, tlla, sol ? SF_NUD_REACHABLE :
			SF_NUD_STALE, ovr ? SF_NEIGH_F_OVERRIDE :
			SF_NEIGH_F_WEAK);
	}
	rte_spinlock_unlock(&t->nh_lock);
}

/* The timer of one entry (Linux's neigh_timer_handler()). Under the lock. */
static void
sf_neigh_timer(struct sf_net *nt, struct sf_neigh_tab *t, struct sf_neigh *n)
{
	uint32_t now = nt->nt_now;

	if (!n->nb_armed) {
		/* Linux's neigh_periodic_work(): unused STALE and FAILED go. */
		if ((n->nb_state == SF_NUD_STALE ||
		     n->nb_state == SF_NUD_FAILED) && n->nb_nq == 0 &&
		    sf_ms_after_eq(now, n->nb_used + SF_NEIGH_GC_STALE_MS) &&
		    sf_ms_after_eq(now, n->nb_updated + SF_NEIGH_GC_STALE_MS))
			sf_neigh_remove(nt, t, n);
		return;
	}
	if (!sf_ms_after_eq(now, n->nb_timer))
		return;
	rte_seqcount_write_begin(&n->nb_sc);
	switch (n->nb_state) {
	case SF_NUD_REACHABLE:
		n->nb_state = SF_NUD_STALE;
		n->nb_updated = now;
		n->nb_armed = false;
		break;
	case SF_NUD_DELAY:
		n->nb_state = SF_NUD_PROBE;
		n->nb_updated = now;
		n->nb_probes = 0;
		/* fall through */
	case SF_NUD_PROBE:
	case SF_NUD_INCOMPLETE:
		if (n->nb_probes >= (n->nb_state == SF_NUD_PROBE ?
				SF_NEIGH_UCAST_SOLICIT : SF_NEIGH_MCAST_SOLICIT)) {
			n->nb_state = SF_NUD_FAILED;
			n->nb_updated = now;
			n->nb_armed = false;
			sf_count(nt, SF_CNT_neigh_failed);
			break;
		}
		n->nb_probes++;
		n->nb_timer = now + SF_NEIGH_RETRANS_MS;
		rte_seqcount_write_end(&n->nb_sc);
		sf_neigh_solicit(nt, n);
		return;
	default:
		n->nb_armed = false;
		break;
	}
	rte_seqcount_write_end(&n->nb_sc);
	if (n->nb_state == SF_NUD_FAILED)
		sf_neigh_free_q(nt, n, SF_CNT_neigh_queue_failed);
}

/* Gratuitous ARP and unsolicited NA for each address of a port. */
static void
sf_neigh_send_announce(struct sf_net *nt, uint16_t port)
{
	const struct sf_port *pt = sf_net_port(nt, port);
	unsigned int i;

	if (!pt->pt_present)
		return;
	for (i = 0; i < pt->pt_nb_v4; i++) {
		/* Linux's arp_send() for a new address: sender = target. */
		sf_neigh_send_arp(nt, port, (const uint8_t *)&pt->pt_v4[i],
			(const uint8_t *)&pt->pt_v4[i], NULL);
		sf_count(nt, SF_CNT_neigh_announce);
	}
	for (i = 0; i < pt->pt_nb_v6; i++) {
		sf_neigh_send_nd(nt, port, SF_ND_NA, pt->pt_v6[i],
			pt->pt_v6[i], NULL);
		sf_count(nt, SF_CNT_neigh_announce);
	}
}

void
sf_neigh_announce(struct sf_neigh_tab *t, uint16_t port)
{
	if (port >= RTE_MAX_ETHPORTS)
		return;
	__atomic_fetch_or(&t->nh_announce[port / 64], 1ull << (port % 64),
		__ATOMIC_RELEASE);
}

void
sf_neigh_clock(struct sf_net *nt)
{
	struct sf_neigh_tab *t = nt->nt_neigh;
	uint32_t last, now = nt->nt_now;
	unsigned int i, w;

	if (t == NULL)
		return;
	last = __atomic_load_n(&t->nh_last_scan, __ATOMIC_RELAXED);
	if ((int32_t)(now - last) < SF_NEIGH_SCAN_MS)
		return;
	if (!rte_spinlock_trylock(&t->nh_lock))
		return;     /* another worker scans */
	__atomic_store_n(&t->nh_last_scan, now, __ATOMIC_RELAXED);
	for (w = 0; w < SF_NEIGH_ANN_WORDS; w++) {
		uint64_t bits;

		if (__atomic_load_n(&t->nh_announce[w], __ATOMIC_RELAXED) == 0)
			continue;
		bits = __atomic_exchange_n(&t->nh_announce[w], 0,
			__ATOMIC_ACQUIRE);
		for (i = 0; i < 64; i++)
			if (bits & (1ull << i))
				sf_neigh_send_announce(nt, (uint16_t)(w * 64 + i));
	}
	for (i = 0; i < SF_NEIGH_SIZE && t->nh_count != 0; i++)
		if (t->nh_ent[i].nb_family != 0)
			sf_neigh_timer(nt, t, &t->nh_ent[i]);
	rte_spinlock_unlock(&t->nh_lock);
}

unsigned int
sf_neigh_dump(const struct sf_neigh_tab *t, struct sf_neigh_info *out,
		unsigned int max)
{
	unsigned int i, k = 0;

	for (i = 0; i < SF_NEIGH_SIZE && k < max; i++) {
		const struct sf_neigh *n = &t->nh_ent[i];
		struct sf_neigh_info *o = &out[k];
		uint32_t sn;

		do {
			sn = rte_seqcount_read_begin(&n->nb_sc);
			o->ni_family = n->nb_family;
			o->ni_state = n->nb_state;
			o->ni_port = n->nb_port;
			memcpy(o->ni_addr, n->nb_addr, 16);
			o->ni_mac = n->nb_mac;
			o->ni_probes = n->nb_probes;
			o->ni_nq = n->nb_nq;
			o->ni_updated = n->nb_updated;
			o->ni_used = n->nb_used;
			o->ni_confirmed = n->nb_confirmed;
		} while (rte_seqcount_read_retry(&n->nb_sc, sn));
		if (o->ni_family != 0)
			k++;
	}
	return k;
}
