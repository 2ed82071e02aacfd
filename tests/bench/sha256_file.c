/* tests/bench/sha256_file.c -- the tool's own SHA-256 of one file, for
 * tests/bench/run-all: ae_open_regular + ae_sha256_fd (OpenSSL EVP, 1 MiB
 * reads), the path `sigstore sign` and the pull cache use for artifacts.
 * Prints "<hex>  <path>" as sha256sum does, so run-all can check that it
 * agrees with `openssl dgst -sha256` before comparing their speed.
 *
 *   build/bench/sha256-file FILE
 */
#include "evidence/core/ae.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned char sha[AE_SHA256_LEN];
	char hex[AE_SHA256_HEX_LEN + 1];
	uint64_t size = 0;
	ae_err err = {0};
	int fd = -1, rc;

	if (argc != 2) {
		fputs("usage: sha256-file FILE\n", stderr);
		return 64;
	}
	rc = ae_open_regular(&fd, &size, AT_FDCWD, argv[1], &err);
	if (rc == 0)
		rc = ae_sha256_fd(sha, &size, fd, &err);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		fprintf(stderr, "sha256-file: %s: %s\n", argv[1], err.msg);
		return 1;
	}
	ae_hex_encode(hex, sha, AE_SHA256_LEN);
	printf("%s  %s\n", hex, argv[1]);
	return 0;
}
