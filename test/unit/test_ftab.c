/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/* lib/core/sf_ftab.c, the per-lcore flow tables. */

#include <errno.h>
#include <netinet/in.h>

#include "sf_test.h"

#define CAP 64

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
	uint32_t seed = 0x12345678;

	SF_CHECK_EQ(sf_ftab_init(&ft, "t", 0, CAP, seed, SOCKET_ID_ANY), 0);
	SF_CHECK_EQ(ft.ft_cap, CAP);
	memset(seen, 0, sizeof(seen));
	key(&k, 0);
	SF_CHECK(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, seed)) < 0);
	/* Fill it: every position distinct and below the capacity. */
	for (i = 0; i < CAP; i++) {
		key(&k, i);
		pos[i] = sf_ftab_add(&ft, &k, sf_flow_hash(&k, seed));
		SF_CHECK(pos[i] >= 0 && pos[i] < CAP);
		if (pos[i] >= 0 && pos[i] < CAP) {
			SF_CHECK_EQ(seen[pos[i]], 0);
			seen[pos[i]] = 1;
		}
	}
	SF_CHECK_EQ(ft.ft_used, CAP);
	key(&k, CAP);
	SF_CHECK_EQ(sf_ftab_add(&ft, &k, sf_flow_hash(&k, seed)), -ENOSPC);
	for (i = 0; i < CAP; i++) {
		key(&k, i);
		SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, seed)),
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
	SF_CHECK(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, seed)) < 0);
	SF_CHECK(sf_ftab_key(&ft, (uint32_t)pos[7]) == NULL);
	key(&k, 9);
	SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, seed)), pos[9]);
	key(&k, CAP);
	pos[CAP] = sf_ftab_add(&ft, &k, sf_flow_hash(&k, seed));
	SF_CHECK_EQ(pos[CAP], pos[7]);
	SF_CHECK_EQ(sf_ftab_lookup(&ft, &k, sf_flow_hash(&k, seed)), pos[CAP]);
	SF_CHECK_EQ(ft.ft_used, CAP);
	/* Deleting a free position changes nothing. */
	sf_ftab_del(&ft, (uint32_t)pos[7]);
	sf_ftab_del(&ft, (uint32_t)pos[7]);
	SF_CHECK_EQ(ft.ft_used, CAP - 1);
	/* Empty it. */
	for (i = 0; i < CAP; i++)
		if (i != 7)
			sf_ftab_del(&ft, (uint32_t)pos[i]);
	SF_CHECK_EQ(ft.ft_used, 0);
	sf_ftab_fini(&ft);
}

static void
test_hash(void)
{
	struct sf_flow_key k, k2;
	struct sf_ftab a, b;

	key(&k, 1);
	key(&k2, 2);
	SF_CHECK(sf_flow_hash(&k, 1) != sf_flow_hash(&k, 2));
	SF_CHECK(sf_flow_hash(&k, 1) != sf_flow_hash(&k2, 1));
	SF_CHECK_EQ(sf_flow_hash(&k, 1), sf_flow_hash(&k, 1));
	/* Two tables of the same kind and index coexist; small caps grow. */
	SF_CHECK_EQ(sf_ftab_init(&a, "t", 0, 3, 1, SOCKET_ID_ANY), 0);
	SF_CHECK_EQ(sf_ftab_init(&b, "t", 0, 3, 1, SOCKET_ID_ANY), 0);
	SF_CHECK_EQ(a.ft_cap, 8);
	SF_CHECK(sf_ftab_add(&a, &k, sf_flow_hash(&k, 1)) >= 0);
	SF_CHECK(sf_ftab_lookup(&b, &k, sf_flow_hash(&k, 1)) < 0);
	sf_ftab_fini(&a);
	sf_ftab_fini(&b);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_ftab();
	test_hash();
	return sf_test_done("test_ftab");
}
