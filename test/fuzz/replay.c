/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Replays inputs through a libFuzzer harness built without libFuzzer (the
 * unit-test build links this main() with fuzz_rx.c or fuzz_flows.c), so
 * `make test` and `make asan` run every crash input kept under
 * test/fuzz/regress/<harness>/ and the harness's seeds. Usage:
 *   replay_<harness> NAME DIR...
 * Each regular file of each DIR (in name order, dot files skipped) is one
 * input. A crash aborts, which fails the test; otherwise it prints how
 * many inputs each directory held and exits 0, also when a directory is
 * empty or missing (no crash has been kept yet).
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
replay_file_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Run one file; returns 1 when it was an input, 0 when not a file. */
static int
replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t n;
	FILE *fh;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	fh = fopen(path, "rb");
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (fh == NULL || buf == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	n = fread(buf, 1, (size_t)st.st_size, fh);
	fclose(fh);
	if (n != (size_t)st.st_size) {
		fprintf(stderr, "replay: %s: read %zu of %lld bytes\n", path,
			n, (long long)st.st_size);
		exit(1);
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 1;
}

int
main(int argc, char **argv)
{
	unsigned int total = 0;
	char path[PATH_MAX];
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s NAME DIR...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 2; i < argc; i++) {
		struct dirent **ents;
		unsigned int n = 0;
		int j, nb;

		nb = scandir(argv[i], &ents, replay_file_filter,
			replay_name_cmp);
		if (nb < 0) {
			printf("%s: %s: %s, nothing replayed\n", argv[1],
				argv[i], strerror(errno));
			continue;
		}
		for (j = 0; j < nb; j++) {
			snprintf(path, sizeof(path), "%s/%s", argv[i],
				ents[j]->d_name);
			n += replay_file(path);
			free(ents[j]);
		}
		free(ents);
		printf("%s: replayed %u input%s from %s\n", argv[1], n,
			n == 1 ? "" : "s", argv[i]);
		total += n;
	}
	printf("%s: %u inputs replayed, no crash\n", argv[1], total);
	return 0;
}
