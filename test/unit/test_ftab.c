/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/* lib/core/sf_ftab.c, the per-lcore flow tables, and the flow hash. */

#include <errno.h>
#include <netinet/in.h>

#include <rte_random.h>

#include "sf_test.h"

#define CAP 64

static struct sf_flow_hkey hk;

static void
key(struct sf_flow_key *k, unsigned int i)
{
	memset(k, 0, sizeof(*k));
	k->fk_family = AF_INET;
	k->fk_raddr[0] = rte_cpu_to_be_32(0x0a000000 + i);
	k->fk_laddr[0] = rte_cpu_to_be_32(0x0a0a0001);
	k->fk_rport = rte_cpu_to_be_16((uint16_t)(1024 + i));
	k->fk_lport = rte_cpu_to_be_16(80);
}

static void
test_ftab(void)
{
	struct sf_ftab ft;
	struct sf_flow_key k;
	const struct sf_flow_key *kp;
	int32_t pos[CAP + 1];
	uint8_t seen[CAP];
	unsigned int i;

	SF_CHECK_EQ(sf_ftab_init(&ft, CAP, SOCKET_ID_ANY), 0);
	SF_CHECK_EQ(ft.ft_cap, CAP);
	memset(seen, 0, sizeof(seen));
	key(&k, 0);
	SF_CHECK(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, &hk)) < 0);
	/* Fill it: every position distinct and below the capacity. */
	for (i = 0; i < CAP; i++) {
		key(&k, i);
		pos[i] = sf_ftab_add(&ft, &k, sf_flow_hash(&k, &hk));
		SF_CHECK(pos[i] >= 0 && pos[i] < CAP);
		if (pos[i] >= 0 && pos[i] < CAP) {
			SF_CHECK_EQ(seen[pos[i]], 0);
			seen[pos[i]] = 1;
		}
	}
	SF_CHECK_EQ(ft.ft_used, CAP);
	key(&k, CAP);
	SF_CHECK_EQ(sf_ftab_add(&ft, &k, sf_flow_hash(&k, &hk)), -ENOSPC);
	for (i = 0; i < CAP; i++) {
		key(&k, i);
		SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, &hk)),
			pos[i]);
		kp = sf_ftab_key(&ft, (uint32_t)pos[i]);
		SF_CHECK(kp != NULL);
		if (kp != NULL)
			SF_CHECK_MEM(kp, &k, sizeof(k));
	}
	/* Delete one: it is gone, its place is free again. */
	sf_ftab_del(&ft, (uint32_t)pos[7]);
	SF_CHECK_EQ(ft.ft_used, CAP - 1);
	key(&k, 7);
	SF_CHECK(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, &hk)) < 0);
	SF_CHECK(sf_ftab_key(&ft, (uint32_t)pos[7]) == NULL);
	key(&k, 9);
	SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, &hk)), pos[9]);
	key(&k, CAP);
	pos[CAP] = sf_ftab_add(&ft, &k, sf_flow_hash(&k, &hk));
	SF_CHECK_EQ(pos[CAP], pos[7]);
	SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, &hk)), pos[CAP]);
	SF_CHECK_EQ(ft.ft_used, CAP);
	/* Deleting a free position (or one out of range) changes nothing. */
	sf_ftab_del(&ft, (uint32_t)pos[7]);
	sf_ftab_del(&ft, (uint32_t)pos[7]);
	sf_ftab_del(&ft, CAP + 5);
	SF_CHECK_EQ(ft.ft_used, CAP - 1);
	SF_CHECK(sf_ftab_key(&ft, CAP + 5) == NULL);
	/* Empty it. */
	for (i = 0; i < CAP; i++)
		if (i != 7)
			sf_ftab_del(&ft, (uint32_t)pos[i]);
	SF_CHECK_EQ(ft.ft_used, 0);
	sf_ftab_fini(&ft);
}

/*
 * Flows that all hash alike (what an attacker would aim for with an
 * unkeyed hash): they spill from their home bucket into the next ones,
 * every one stays found, deletes in any order keep the others found, and
 * the spill counts return to zero.
 */
static void
test_collide(void)
{
	enum { N = 200 };
	struct sf_ftab ft;
	struct sf_flow_key k;
	int32_t pos[N];
	unsigned int i, j, b;
	uint32_t h, home;

	SF_CHECK_EQ(sf_ftab_init(&ft, N, SOCKET_ID_ANY), 0);
	home = ft.ft_mask - 3;        /* the spill wraps around the end */
	h = (uint32_t)((uint64_t)home << ft.ft_shift) | 0x5a5a;
	for (i = 0; i < N; i++) {
		key(&k, i);
		pos[i] = sf_ftab_add(&ft, &k, h);
		SF_CHECK(pos[i] >= 0);
	}
	/* 200 flows in buckets of 8: the home bucket and 24 after it. */
	SF_CHECK_EQ(ft.ft_bkt[home].fb_over, N - SF_FTAB_BKT);
	for (i = 0; i < N; i++) {
		key(&k, i);
		SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, h), pos[i]);
		/* Under another signature in the same bucket: not there. */
		SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, h ^ 1), -1);
	}
	/* Every other one out, from the home bucket's end first. */
	for (i = 0; i < N; i += 2)
		sf_ftab_del(&ft, (uint32_t)pos[i]);
	for (i = 0; i < N; i++) {
		key(&k, i);
		SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, h), i % 2 ? pos[i] : -1);
	}
	/* Back in: they fill the holes, nothing new spills. */
	for (i = 0; i < N; i += 2) {
		key(&k, i);
		pos[i] = sf_ftab_add(&ft, &k, h);
		SF_CHECK(pos[i] >= 0);
	}
	for (i = 0; i < N; i++) {
		key(&k, i);
		SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, h), pos[i]);
	}
	for (j = 0; j < N; j++)
		sf_ftab_del(&ft, (uint32_t)pos[(j * 7) % N]);
	SF_CHECK_EQ(ft.ft_used, 0);
	for (b = 0; b <= ft.ft_mask; b++) {
		SF_CHECK_EQ(ft.ft_bkt[b].fb_over, 0);
		for (i = 0; i < SF_FTAB_BKT; i++)
			SF_CHECK_EQ(ft.ft_bkt[b].fb_pos[i], 0);
	}
	sf_ftab_fini(&ft);
}

/*
 * Random adds, deletes and lookups against a plain array, with hashes
 * from a small range so that spills and wrap-around are common.
 */
static void
test_model(void)
{
	enum { N = 512, OPS = 200000 };
	static int32_t where[N];     /* flow i's position, or -1 */
	struct sf_ftab ft;
	struct sf_flow_key k;
	unsigned int op, i, used = 0;
	uint32_t hash[N];

	SF_CHECK_EQ(sf_ftab_init(&ft, N / 2, SOCKET_ID_ANY), 0);
	for (i = 0; i < N; i++) {
		where[i] = -1;
		/* The last buckets and the first: probes wrap around. */
		hash[i] = (uint32_t)(rte_rand() & 0xffff);
		hash[i] |= (uint32_t)((uint64_t)((ft.ft_mask - 1 +
			(uint32_t)(rte_rand() % 3)) & ft.ft_mask) << ft.ft_shift);
	}
	for (op = 0; op < OPS; op++) {
		i = (unsigned int)(rte_rand() % N);
		key(&k, i);
		SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, hash[i]), where[i]);
		if (where[i] >= 0) {
			sf_ftab_del(&ft, (uint32_t)where[i]);
			where[i] = -1;
			used--;
		} else {
			int32_t p = sf_ftab_add(&ft, &k, hash[i]);

			if (used == ft.ft_cap) {
				SF_CHECK_EQ(p, -ENOSPC);
			} else {
				SF_CHECK(p >= 0 && (uint32_t)p < ft.ft_cap);
				where[i] = p;
				used++;
			}
		}
		SF_CHECK_EQ(ft.ft_used, used);
	}
	for (i = 0; i < N; i++) {
		key(&k, i);
		SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, hash[i]), where[i]);
	}
	sf_ftab_fini(&ft);
}

static void
test_hash(void)
{
	struct sf_flow_key k, k2;
	struct sf_flow_hkey hk2;
	struct sf_ftab a, b;
	unsigned int i, load[256], max = 0;

	key(&k, 1);
	key(&k2, 2);
	hk2 = hk;
	hk2.hk[1] ^= 0x10000;
	SF_CHECK(sf_flow_hash(&k, &hk) != sf_flow_hash(&k, &hk2));
	SF_CHECK(sf_flow_hash(&k, &hk) != sf_flow_hash(&k2, &hk));
	SF_CHECK_EQ(sf_flow_hash(&k, &hk), sf_flow_hash(&k, &hk));
	/* IPv6: every address word counts. */
	memset(&k, 0, sizeof(k));
	k.fk_family = AF_INET6;
	k2 = k;
	for (i = 0; i < 8; i++) {
		uint32_t before = sf_flow_hash(&k2, &hk);

		uint32_t *w = i < 4 ? &k2.fk_raddr[i] : &k2.fk_laddr[i - 4];

		*w ^= rte_cpu_to_be_32(1);
		SF_CHECK(sf_flow_hash(&k2, &hk) != before);
	}
	/*
	 * Sequential source ports from one address (what a client's
	 * ephemeral range looks like) spread over the buckets: 4,096 flows
	 * in 256 buckets, 16 on average; a bucket past 48 would mean the
	 * hash lost the port bits.
	 */
	memset(load, 0, sizeof(load));
	for (i = 0; i < 4096; i++) {
		key(&k, 0);
		k.fk_rport = rte_cpu_to_be_16((uint16_t)(32768 + i));
		load[sf_flow_hash(&k, &hk) >> 24]++;
	}
	for (i = 0; i < 256; i++)
		max = RTE_MAX(max, load[i]);
	SF_CHECK(max <= 48);
	/* Two tables coexist; small caps grow. */
	SF_CHECK_EQ(sf_ftab_init(&a, 3, SOCKET_ID_ANY), 0);
	SF_CHECK_EQ(sf_ftab_init(&b, 3, SOCKET_ID_ANY), 0);
	SF_CHECK_EQ(a.ft_cap, 8);
	key(&k, 1);
	SF_CHECK(sf_ftab_add(&a, &k, sf_flow_hash(&k, &hk)) >= 0);
	SF_CHECK(sf_ftab_lookup(&b, &k, sf_flow_hash(&k, &hk)) < 0);
	sf_ftab_fini(&a);
	sf_ftab_fini(&b);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	sf_flow_hkey_random(&hk);
	test_ftab();
	test_collide();
	test_model();
	test_hash();
	return sf_test_done("test_ftab");
}
