/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * app/sf_pool.c, compiled into this test: the exit audit of the mbuf
 * pool. A pool of its own (with a per-lcore cache, which the audit must
 * flush) stands for synfront's; "PMD-kept" mbufs are taken with
 * rte_pktmbuf_alloc() and left alone, as net_af_xdp leaves its fill
 * ring; frames of ours are mbufs given a length, as a received or built
 * frame has. Every case checks the count returned, the report, and that
 * the pool is whole again once the case frees what it took.
 */

#if __has_include(<xdp/xsk.h>)
#include <xdp/xsk.h>
#endif

#include "sf_pool.h"
#include "sf_port.h"
#include "sf_test.h"

#define POOL_SIZE 4095
#define POOL_CACHE 64
#define KEPT 100       /* a "PMD" fill ring in these cases */

static struct rte_mempool *pool;
static struct rte_mbuf *taken[POOL_SIZE];
static unsigned int nb_taken;

/* Take n mbufs as rte_pktmbuf_alloc() leaves them. */
static void
take(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		taken[nb_taken] = rte_pktmbuf_alloc(pool);
		SF_CHECK(taken[nb_taken] != NULL);
		if (taken[nb_taken] != NULL)
			nb_taken++;
	}
}

/* Take one mbuf and make it a 60-byte frame, as one of ours. */
static struct rte_mbuf *
take_frame(void)
{
	struct rte_mbuf *m;

	take(1);
	m = taken[nb_taken - 1];
	SF_CHECK(rte_pktmbuf_append(m, 60) != NULL);
	return m;
}

/* Free what the case took (restoring the state a free needs) and check
 * that the pool is whole. */
static void
give_back(void)
{
	unsigned int i;

	for (i = 0; i < nb_taken; i++) {
		rte_mbuf_refcnt_set(taken[i], 1);
		rte_pktmbuf_free(taken[i]);
	}
	nb_taken = 0;
	SF_CHECK_EQ(rte_mempool_avail_count(pool), pool->size);
}

/* The audit with kept allowed for; checks its report against want. */
static void
audit(unsigned int kept, unsigned int want_in_use, unsigned int want_kept)
{
	struct sf_pool_report r;
	unsigned int ret, avail = rte_mempool_avail_count(pool);

	memset(&r, 0xa5, sizeof(r));
	ret = sf_pool_audit(pool, kept, &r);
	SF_CHECK_EQ(ret, want_in_use);
	SF_CHECK_EQ(r.pp_in_use, want_in_use);
	SF_CHECK_EQ(r.pp_pmd_kept, want_kept);
	SF_CHECK_EQ(r.pp_size, POOL_SIZE);
	SF_CHECK_EQ(r.pp_avail, POOL_SIZE - nb_taken);
	SF_CHECK_EQ(r.pp_avail + r.pp_pmd_kept + r.pp_in_use, r.pp_size);
	SF_CHECK(strcmp(r.pp_name, "sf_test_audit") == 0);
	/* The walk puts every free mbuf back. */
	SF_CHECK_EQ(rte_mempool_avail_count(pool), avail);
}

/* Nothing out: clean, whatever a PMD was said to keep (a PMD that frees
 * its ring on close is fine too). */
static void
test_all_back(void)
{
	/* Mbufs that went through the lcore cache and back. */
	take(300);
	give_back();
	audit(0, 0, 0);
	audit(KEPT, 0, 0);
}

/* No PMD keeps any: every mbuf out is a leak, untouched or not. */
static void
test_leak_plain(void)
{
	take(3);
	take_frame();
	audit(0, 4, 0);
	give_back();
}

/* Exactly the PMD's, untouched: allowed for, nothing leaked. */
static void
test_pmd_kept(void)
{
	/* Some of them from the cache, some from the ring. */
	take(KEPT);
	audit(KEPT, 0, KEPT);
	give_back();
}

/* The PMD's plus a frame of ours: that one is a leak. */
static void
test_pmd_kept_and_frame(void)
{
	take(KEPT);
	take_frame();
	audit(KEPT, 1, KEPT);
	give_back();
}

/* The PMD's plus one untouched more: one too many, a leak. */
static void
test_pmd_kept_and_one_more(void)
{
	take(KEPT + 1);
	audit(KEPT, 1, KEPT);
	give_back();
}

/*
 * As many out as the PMD keeps, but one of them is a frame (the PMD
 * handed it over and it never came back, while the PMD holds one fewer
 * than it should): not provably the PMD's, so none is allowed for.
 */
static void
test_pmd_count_but_touched(void)
{
	struct rte_mbuf *m;

	take(KEPT - 1);
	take_frame();
	audit(KEPT, KEPT, 0);
	give_back();

	/* Each field that a frame handed out changes, one at a time. */
	take(KEPT);
	m = taken[0];
	m->data_off = 0;
	audit(KEPT, KEPT, 0);
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->port = 0;
	audit(KEPT, KEPT, 0);
	m->port = RTE_MBUF_PORT_INVALID;
	rte_mbuf_refcnt_set(m, 2);
	audit(KEPT, KEPT, 0);
	rte_mbuf_refcnt_set(m, 1);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	audit(KEPT, KEPT, 0);
	m->ol_flags = 0;
	m->packet_type = RTE_PTYPE_L2_ETHER;
	audit(KEPT, KEPT, 0);
	m->packet_type = 0;
	audit(KEPT, 0, KEPT);
	give_back();
}

/* Fewer out than the PMD keeps: not what the PMD does, reported. */
static void
test_fewer_than_kept(void)
{
	take(KEPT / 2);
	audit(KEPT, KEPT / 2, 0);
	give_back();
}

/*
 * What the app allows per net_af_xdp queue is libxdp's default ring size,
 * which the PMD reserves in xsk_configure() (ETH_AF_XDP_DFLT_NUM_DESCS):
 * a libxdp that changes it fails here rather than in a leak report.
 */
static void
test_af_xdp_constant(void)
{
#if __has_include(<xdp/xsk.h>)
	SF_CHECK_EQ(SF_AF_XDP_FILL_MBUFS, XSK_RING_CONS__DEFAULT_NUM_DESCS);
#else
	SF_CHECK_EQ(SF_AF_XDP_FILL_MBUFS, 2048);
#endif
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	pool = rte_pktmbuf_pool_create("sf_test_audit", POOL_SIZE, POOL_CACHE,
			0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "pool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	test_all_back();
	test_leak_plain();
	test_pmd_kept();
	test_pmd_kept_and_frame();
	test_pmd_kept_and_one_more();
	test_pmd_count_but_touched();
	test_fewer_than_kept();
	test_af_xdp_constant();
	rte_mempool_free(pool);
	return sf_test_done("test_pool");
}
