/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Ephemeral ports for the active open (issue 17), as Linux's
 * __inet_hash_connect() chooses them, which is RFC 6056's algorithm 4,
 * "double-hash port selection":
 *
 *   offset = (table[F(laddr, raddr, rport) mod N] + G(laddr, raddr,
 *             rport)) mod range
 *
 * F and G are the low and high halves of one keyed hash of the 3-tuple
 * (SipHash-2-4 with a secret per engine, as secure_ipv4_port_ephemeral()
 * keys its hash with net_secret), so an off-path attacker cannot guess
 * the port a connection to a given server will use, while connections to
 * different servers spread over the range independently. The table of N
 * perturbations moves on after every port taken (by the candidates tried,
 * at least 2 plus a random even number below 16), so consecutive
 * connections to one server do not reuse the same sequence.
 *
 * The scan goes through the range from there in steps of two: first the
 * ports of the low end's parity (Linux leaves the other parity to
 * bind(0), inet_csk_get_port(): fewer collisions between the two), then
 * the others. Unlike Linux, each perturbation entry remembers which pass
 * found its last port and starts there next time: Linux scans every
 * port of the first parity before each connection once they are all
 * taken (more than half the range in use towards one destination, as a
 * proxy's connections to its backend), which made the 32,257th pair to
 * one backend cost some 2 million instructions instead of 5,000
 * (docs/benchmarks.md); here that scan happens once, and the pass is
 * changed back the same way when the other parity fills. A port is skipped when a listener has it (Linux skips a
 * port any socket bound: a bind bucket not made by connect), and taken
 * when its 4-tuple is free in the worker's connection and request
 * tables, or when it is held by a connection in TIME-WAIT that may be
 * reused (tcp_twsk_unique(): timestamps on, the last segment more than
 * a second ago, and tcp_tw_reuse on: off by default here, as Linux
 * leaves it off for all but loopback traffic).
 *
 * And the part the kernel does not need. On a DPDK port the worker that
 * receives a segment is chosen by the NIC's RSS hash of its 4-tuple (or
 * by synfront's software steering, the same Toeplitz hash and table), so
 * the server's SYN-ACK must hash to the worker that sent the SYN, or it
 * would land on another lcore, which knows nothing of the connection. So
 * a candidate is taken only if the hash of the reply's 4-tuple (server
 * to us) picks this worker in the port's steering table; with W workers
 * about one candidate in W does, and the scan goes on past the others.
 * mTCP computes such ports per core from the RSS key; DPVS reserves
 * per-lcore port ranges with flow rules; here the port's table and
 * sf_rss_flow() say, for every candidate. A worker only ever takes ports
 * whose replies come to it, so no two workers can take the same 4-tuple,
 * and each checks its own tables only.
 *
 *   range [lo, hi], r = hi - lo + 1 (rounded down to even)
 *   start = lo + (offset & ~1)
 *   first pass:  start, start + 2, ... (wrapping in the range)
 *   second pass: start + 1, start + 3, ...
 *   (the two swapped while the entry's bit says odd first)
 *   each: listener? skip. steers elsewhere? skip. 4-tuple free? take.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_random.h>

#include "sf_tcp_pvt.h"

/*
 * Entries of the perturbation table. Linux has 1 << 16 since 5.18
 * (INET_TABLE_PERTURB_SHIFT), one table for the host; here each worker
 * has its own (it alone takes ports for its connections), and 4096
 * entries (16 KiB) keep the sequences of different destinations apart
 * as well for the connection rates of one lcore.
 */
#define SF_PERTURB_SIZE 4096

int
sf_portsel_init(struct sf_wtcp *wt)
{
	unsigned int i;

	wt->wt_perturb = rte_zmalloc_socket("sf_perturb",
			sizeof(uint32_t) * SF_PERTURB_SIZE + SF_PERTURB_SIZE / 8,
			RTE_CACHE_LINE_SIZE, wt->wt_net.nt_socket);
	if (wt->wt_perturb == NULL)
		return -ENOMEM;
	/* Random from the start, as get_random_sleepable_once() fills it. */
	for (i = 0; i < SF_PERTURB_SIZE; i++)
		wt->wt_perturb[i] = (uint32_t)rte_rand();
	return 0;
}

void
sf_portsel_fini(struct sf_wtcp *wt)
{
	rte_free(wt->wt_perturb);
	wt->wt_perturb = NULL;
}

/*
 * The keyed hash of the 3-tuple (our address, the server's address and
 * port), as secure_ipv4_port_ephemeral() / secure_ipv6_port_ephemeral().
 */
static uint64_t
sf_portsel_hash(const struct sf_etcp *et, const struct sf_flow_key *k)
{
	struct {
		uint32_t laddr[4];
		uint32_t raddr[4];
		uint16_t rport;
		uint8_t family;
		uint8_t pad;
	} in;

	memset(&in, 0, sizeof(in));
	memcpy(in.laddr, k->fk_laddr, sizeof(in.laddr));
	memcpy(in.raddr, k->fk_raddr, sizeof(in.raddr));
	in.rport = k->fk_rport;
	in.family = k->fk_family;
	return sf_siphash(&et->et_port_key, &in, sizeof(in));
}

/*
 * May a connection in TIME-WAIT give its 4-tuple to a new connection
 * (tcp_twsk_unique() as __inet_hash_connect() calls it)? Only with
 * tcp_tw_reuse, timestamps on (the peer tells old segments from new by
 * them, RFC 7323 5) and the last segment more than a second ago (our
 * TSval must have moved past anything the old connection sent). When
 * that segment came is read from TIME-WAIT's deadline, which every
 * segment that restarts TIME-WAIT moves.
 */
static bool
sf_portsel_tw_reusable(const struct sf_wtcp *wt, const struct sf_conn *c)
{
	uint32_t at = wt->wt_tcb[c->cn_id].tb_at[SF_CT_2MSL];
	uint32_t since = at - wt->wt_et->et_time_wait_ms;

	return wt->wt_et->et_tw_reuse &&
		(c->cn_neg.ng_flags & SF_CONN_F_TS) &&
		(int32_t)(wt->wt_net.nt_now - since) >= 1000;
}

/*
 * Is k's 4-tuple free on this worker? 1: free; 0: taken; 2: held by a
 * connection in TIME-WAIT that may give it up (*tw: its slot).
 */
static int
sf_portsel_free(const struct sf_wtcp *wt, const struct sf_flow_key *k,
		int32_t *tw)
{
	uint32_t h = sf_flow_hash(k, &wt->wt_et->et_hkey);
	const struct sf_conn *c;
	int32_t pos;

	if (sf_ftab_lookup(&wt->wt_reqtab, k, h) >= 0)
		return 0;
	pos = sf_ftab_lookup(&wt->wt_conntab, k, h);
	if (pos < 0)
		return 1;
	c = &wt->wt_conn[pos];
	if (c->cn_state == SF_CS_TIME_WAIT && sf_portsel_tw_reusable(wt, c)) {
		*tw = pos;
		return 2;
	}
	return 0;
}

/*
 * Do the replies of k's 4-tuple steer to worker? A port whose table
 * sends everything to one worker needs no hash (one worker: the
 * Toeplitz hash was a sixth of a proxied pair's instructions).
 */
static inline bool
sf_portsel_steers(const struct sf_port *pt, unsigned int worker,
		const struct sf_flow_key *k)
{
	if (pt->pt_reta_one != 0)
		return pt->pt_reta_one - 1u == worker;
	return pt->pt_reta[sf_rss_flow(k) & (SF_STEER_RETA_SIZE - 1)] ==
		worker;
}

int
sf_portsel_check(struct sf_wtcp *wt, const struct sf_port *pt,
		unsigned int worker, const struct sf_flow_key *k, int32_t *tw)
{
	*tw = -1;
	if (!sf_portsel_steers(pt, worker, k))
		return -EXDEV;
	if (__atomic_load_n(&wt->wt_et->et_by_port[rte_be_to_cpu_16(
			k->fk_lport)], __ATOMIC_ACQUIRE) != 0 ||
	    sf_portsel_free(wt, k, tw) == 0)
		return -EADDRINUSE;
	return 0;
}

int
sf_portsel(struct sf_wtcp *wt, const struct sf_port *pt, unsigned int worker,
		struct sf_flow_key *k, int32_t *tw)
{
	const struct sf_etcp *et = wt->wt_et;
	uint32_t lo = et->et_port_lo, range = et->et_port_hi - lo + 1;
	uint32_t offset, idx, port, i, tried = 0, o, pass, first;
	uint8_t *odd = (uint8_t *)(wt->wt_perturb + SF_PERTURB_SIZE);
	uint64_t h;
	int ret;

	*tw = -1;
	/* Even, so that each pass keeps its parity across the wrap. */
	if (range > 1)
		range &= ~1u;
	h = sf_portsel_hash(et, k);
	idx = (uint32_t)h & (SF_PERTURB_SIZE - 1);
	offset = (wt->wt_perturb[idx] + (uint32_t)(h >> 32)) % range;
	offset &= ~1u;
	first = (odd[idx >> 3] >> (idx & 7)) & 1u;
	for (pass = 0; pass < 2; pass++) {
		o = offset + (first ^ pass);
		if (o >= range)
			o -= range;
		port = lo + o;
		for (i = 0; i < range; i += 2, port += 2) {
			if (port >= lo + range)
				port -= range;
			tried++;
			if (__atomic_load_n(&et->et_by_port[port],
					__ATOMIC_ACQUIRE) != 0)
				continue;
			k->fk_lport = rte_cpu_to_be_16((uint16_t)port);
			if (!sf_portsel_steers(pt, worker, k))
				continue;
			ret = sf_portsel_free(wt, k, tw);
			if (ret != 0)
				goto found;
		}
		if (range <= 1)
			break;
	}
	k->fk_lport = 0;
	sf_count_n(&wt->wt_net, SF_CNT_connect_port_probes, tried);
	sf_count(&wt->wt_net, SF_CNT_connect_no_port);
	return -EADDRNOTAVAIL;
found:
	sf_count_n(&wt->wt_net, SF_CNT_connect_port_probes, tried);
	/* Found in the second pass: start with that parity next time. */
	if (pass == 1)
		odd[idx >> 3] ^= (uint8_t)(1u << (idx & 7));
	/*
	 * __inet_hash_connect(): the next connection to this destination
	 * starts past the candidates tried, and a little further at random
	 * so that low contention gives little away.
	 */
	i = RTE_MAX(tried * 2, (uint32_t)rte_rand_max(8) * 2);
	wt->wt_perturb[idx] += i + 2;
	return 0;
}
