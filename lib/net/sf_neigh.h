/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_NEIGH_H
#define SF_NEIGH_H

/*
 * The neighbour table (sf_neigh.c): ARP (RFC 826) and neighbour discovery
 * (RFC 4861 7.3) resolution on demand, for frames synfront originates
 * towards a next hop (active open, later parts of issue 17). Replies
 * built in place never use it: they go back to the L2 source of the
 * frame they answer.
 *
 * Concurrency: ONE table per engine, shared by every worker. Readers take
 * no lock: each entry is guarded by a sequence counter (rte_seqcount_t),
 * a reader copies the entry and retries when a writer moved it. Writers
 * (learning on the rx path, resolution starts, the timers) serialise on
 * one spinlock; they run at ARP/ND rates and once per 10 ms scan, never
 * per TCP segment. Why not one table per worker: ARP and ND frames carry
 * no L4 tuple, so a NIC's RSS puts every reply on one queue (queue 0
 * for most), where another worker reads it than the one that asked;
 * per-worker tables would need every reply copied to every worker, and
 * would send one request per worker for the same next hop. Why not RCU:
 * entries live in a fixed array that is never freed while the engine
 * lives, so a reader can always touch a slot safely; the sequence
 * counter tells it whether what it copied is whole.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_seqcount.h>
#include <rte_spinlock.h>

struct sf_net;
struct sf_port;

/*
 * States, as Linux's neighbour.c names them (NUD_*, RFC 4861 7.3.2).
 * NONE is a slot being set up; a free slot has nb_family 0.
 */
enum sf_nud {
	SF_NUD_NONE = 0,
	SF_NUD_INCOMPLETE,  /* solicitations out, no answer yet */
	SF_NUD_REACHABLE,   /* confirmed less than reachable time ago */
	SF_NUD_STALE,       /* a MAC to use, not confirmed lately */
	SF_NUD_DELAY,       /* used while STALE: probe soon */
	SF_NUD_PROBE,       /* unicast probes out */
	SF_NUD_FAILED,      /* no answer: queued frames dropped */
	SF_NUD_MAX
};

/* Frames waiting for one entry to resolve (Linux: unres_qlen_bytes). */
#define SF_NEIGH_QLEN 3
/* Entries: buckets of SF_NEIGH_WAYS slots, no chains, no deletion holes. */
#define SF_NEIGH_BUCKETS 64
#define SF_NEIGH_WAYS 8
#define SF_NEIGH_SIZE (SF_NEIGH_BUCKETS * SF_NEIGH_WAYS)

/* Ports announced at start wait in a bitmap until the next scan. */
#define SF_NEIGH_ANN_WORDS ((RTE_MAX_ETHPORTS + 63) / 64)

/*
 * One neighbour. Written under the table lock, between
 * rte_seqcount_write_begin() and _end(); read by anyone through the
 * sequence counter. Times are ms of the writer's worker clock.
 */
struct sf_neigh {
	rte_seqcount_t nb_sc;           /* odd while a writer is at it */
	uint8_t nb_family;              /* AF_INET, AF_INET6; 0: free */
	uint8_t nb_state;               /* enum sf_nud */
	uint16_t nb_port;               /* ethdev port */
	uint8_t nb_addr[16];            /* network order; IPv4: first 4 */
	struct rte_ether_addr nb_mac;   /* valid from REACHABLE/STALE on */
	uint8_t nb_probes;              /* solicitations sent in this state */
	uint8_t nb_nq;                  /* frames in nb_q, oldest first */
	/*
	 * Frames ever queued on the entry, and of them those the queue
	 * dropped for newer ones (the oldest first): the frame queued as
	 * number q (its ticket) was dropped iff q < nb_drops. Reset when
	 * the slot takes a new entry; nb_drops is read without the lock.
	 */
	uint32_t nb_enq;
	uint32_t nb_drops;
	bool nb_armed;                  /* nb_timer is due to run */
	uint32_t nb_updated;            /* last state or MAC change */
	uint32_t nb_confirmed;          /* the peer last proved reachable */
	uint32_t nb_used;               /* last resolve that found it */
	uint32_t nb_timer;              /* when the armed timer runs */
	uint32_t nb_reach_ms;           /* randomized reachable time */
	struct rte_mbuf *nb_q[SF_NEIGH_QLEN];
};

/* The table: one per engine (see the top of this file). */
struct sf_neigh_tab {
	rte_spinlock_t nh_lock;         /* writers only */
	uint32_t nh_last_scan;          /* ms; relaxed atomics */
	uint32_t nh_count;              /* slots in use (under the lock) */
	uint32_t nh_seed;               /* bucket hash seed */
	uint64_t nh_announce[SF_NEIGH_ANN_WORDS]; /* ports to announce */
	struct sf_neigh nh_ent[SF_NEIGH_SIZE];
};

/*
 * Timers, Linux's defaults (net.ipv4.neigh.default.*, also IPv6's):
 * mcast_solicit 3 and ucast_solicit 3 solicitations, retrans_time 1 s
 * apart; base_reachable_time 30 s, randomized to 0.5..1.5 of it;
 * delay_first_probe_time 5 s; gc_stale_time 60 s; locktime 1 s (ARP: a
 * different MAC within a second of the last update is ignored, so that
 * two proxies answering do not flap the entry).
 */
#define SF_NEIGH_MCAST_SOLICIT 3
#define SF_NEIGH_UCAST_SOLICIT 3
#define SF_NEIGH_RETRANS_MS 1000
#define SF_NEIGH_REACHABLE_MS 30000
#define SF_NEIGH_DELAY_MS 5000
#define SF_NEIGH_GC_STALE_MS 60000
#define SF_NEIGH_LOCKTIME_MS 1000
/* How often the timers are scanned: well under retrans_time. */
#define SF_NEIGH_SCAN_MS 10

/* What sf_neigh_resolve() did with the frame. */
enum sf_neigh_res {
	SF_NEIGH_READY = 0, /* *mac is the next hop's: send the frame */
	SF_NEIGH_QUEUED,    /* frame taken; sent when resolved, or dropped */
	SF_NEIGH_UNREACH,   /* resolution failed lately: frame not taken */
	SF_NEIGH_ERROR,     /* no room, or no address to ask from: not taken */
};

/* Learning (sf_neigh_learn()) flags, as Linux's NEIGH_UPDATE_F_*. */
#define SF_NEIGH_F_CREATE   0x01  /* make an entry when there is none */
#define SF_NEIGH_F_OVERRIDE 0x02  /* a different MAC replaces the cached one */
#define SF_NEIGH_F_WEAK     0x04  /* a different MAC only makes it STALE */

/*
 * The state of the entry of a next hop (SF_NUD_NONE: no entry), read
 * without a lock and without touching it (no resolution starts): what
 * an active open waiting on a resolution looks at (sf_connect.c). With
 * drops, also how many of the entry's queued frames the queue dropped
 * for newer ones (a frame whose ticket is below it was dropped).
 */
uint8_t sf_neigh_state(const struct sf_net *nt, uint16_t port,
		uint8_t family, const void *addr, uint32_t *drops);

/* One entry as telemetry lists it (sf_neigh_dump()). */
struct sf_neigh_info {
	uint8_t ni_family;
	uint8_t ni_state;
	uint16_t ni_port;
	uint8_t ni_addr[16];
	struct rte_ether_addr ni_mac;
	uint8_t ni_probes;
	uint8_t ni_nq;
	uint32_t ni_updated;
	uint32_t ni_used;
	uint32_t ni_confirmed;
};

void sf_neigh_init(struct sf_neigh_tab *t, uint32_t seed);
void sf_neigh_fini(struct sf_neigh_tab *t);

/*
 * The resolution API (for the active open and whoever originates frames
 * to a next hop). m is a whole Ethernet frame, untagged, its source MAC
 * written (or NULL: only resolve). READY: *mac holds the next hop's MAC,
 * the caller still owns m and writes mac into it. QUEUED: the table owns
 * m; it leaves with its Ethernet destination written when the next hop
 * answers, or is dropped and counted after mcast_solicit tries.
 * UNREACH: the entry failed less than retrans_time ago (as a socket
 * learns EHOSTUNREACH in Linux); the caller still owns m. ERROR: table
 * full, or the port has no address of the family to ask from.
 * Lock-free when the entry is REACHABLE, DELAY or PROBE.
 */
enum sf_neigh_res sf_neigh_resolve_ticket(struct sf_net *nt,
		uint16_t port, uint8_t family, const void *addr,
		struct rte_mbuf *m, struct rte_ether_addr *mac,
		uint32_t *ticket);

/*
 * The same; with sf_neigh_resolve_ticket(), QUEUED also says which frame
 * of the entry m is (*ticket), to ask later whether the queue dropped it
 * (sf_neigh_state()'s drops).
 */
static inline enum sf_neigh_res
sf_neigh_resolve(struct sf_net *nt, uint16_t port, uint8_t family,
		const void *addr, struct rte_mbuf *m, struct rte_ether_addr *mac)
{
	return sf_neigh_resolve_ticket(nt, port, family, addr, m, mac, NULL);
}

/*
 * Learning, from the rx path: addr is at mac on port; new_state is
 * REACHABLE (a solicited answer) or STALE (anything else). Linux's
 * neigh_update() rules with flags SF_NEIGH_F_*.
 */
void sf_neigh_learn(struct sf_net *nt, uint16_t port, uint8_t family,
		const void *addr, const struct rte_ether_addr *mac,
		uint8_t new_state, unsigned int flags);

/* The ARP merge (RFC 826) of a valid ARP packet; see sf_arp.c. */
void sf_neigh_arp_learn(struct sf_net *nt, const struct sf_port *pt,
		uint16_t op, uint32_t sip, uint32_t tip,
		const struct rte_ether_addr *sha, bool to_us_unicast);

/*
 * RFC 4861 7.2.5: a valid neighbour advertisement for target, with its
 * target link-layer address (NULL: none) and flags byte (R, S, O).
 */
void sf_neigh_na_learn(struct sf_net *nt, uint16_t port,
		const uint8_t *target, const struct rte_ether_addr *tlla,
		uint8_t flags);

/* Timers: every worker calls it per ms tick; one scans per 10 ms. */
void sf_neigh_clock(struct sf_net *nt);

/*
 * Ask for a gratuitous ARP request and an unsolicited NA (RFC 4861
 * 7.2.6) for each address of port, sent by the next scan (any thread).
 */
void sf_neigh_announce(struct sf_neigh_tab *t, uint16_t port);

/* A snapshot for telemetry, lock-free; returns the entries copied. */
unsigned int sf_neigh_dump(const struct sf_neigh_tab *t,
		struct sf_neigh_info *out, unsigned int max);

/* "INCOMPLETE", "REACHABLE", ... as ip neigh prints them. */
const char *sf_neigh_state_name(uint8_t state);

#endif /* SF_NEIGH_H */
