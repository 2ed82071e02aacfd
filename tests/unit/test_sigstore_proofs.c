/* tests/unit/test_sigstore_proofs.c -- the verifier's public proof checks
 * the signer calls on a log's answer (evidence/sigstore/sigstore.h) */
#include "t.h"
#include "evidence/sigstore/sigstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "origin\n<size>\n<b64 root>\n\n— origin <b64 sig>\n" */
static void note(char *out, size_t outsz, unsigned long long size,
		 const unsigned char root[32])
{
	unsigned char sig[4 + 64];
	char *root_b64 = NULL, *sig_b64 = NULL;
	ae_err err = {0};

	memset(sig, 7, sizeof(sig));
	T_ASSERT_INT(ae_base64_encode(&root_b64, root, 32, &err), 0);
	T_ASSERT_INT(ae_base64_encode(&sig_b64, sig, sizeof(sig), &err), 0);
	snprintf(out, outsz,
		 "log.example\n%llu\n%s\n\n\xe2\x80\x94 log.example %s\n", size,
		 root_b64, sig_b64);
	free(root_b64);
	free(sig_b64);
}

void test_sigstore_proofs__a_checkpoint_must_state_the_proofs_size_and_root(
	void)
{
	unsigned char root[32], other[32];
	char text[512];
	ae_err err = {0};

	memset(root, 0xab, sizeof(root));
	memset(other, 0xcd, sizeof(other));
	note(text, sizeof(text), 42, root);
	T_ASSERT_INT(ev_checkpoint_check(text, strlen(text), 42, root, &err),
		     0);
	memset(&err, 0, sizeof(err));
	T_ASSERT_INT(ev_checkpoint_check(text, strlen(text), 43, root, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "size");
	memset(&err, 0, sizeof(err));
	T_ASSERT_INT(ev_checkpoint_check(text, strlen(text), 42, other, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "root");
	memset(&err, 0, sizeof(err));
	T_ASSERT_INT(
		ev_checkpoint_check("log.example\n42\n", 15, 42, root, &err),
		AE_EINVAL);
}

void test_sigstore_proofs__a_one_leaf_tree_is_its_leaf(void)
{
	unsigned char leaf[32];
	ae_err err = {0};

	memset(leaf, 0x11, sizeof(leaf));
	T_ASSERT_INT(ev_merkle_inclusion_check(leaf, 0, 1, NULL, 0, leaf, &err),
		     0);
	T_ASSERT_INT(ev_merkle_inclusion_check(leaf, 1, 1, NULL, 0, leaf, &err),
		     AE_EVERIFY);
	T_ASSERT_INT(ev_merkle_inclusion_check(leaf, 0, 0, NULL, 0, leaf, &err),
		     AE_EVERIFY);
	T_ASSERT_INT(ev_merkle_inclusion_check(leaf, 0, 1, leaf, 1, leaf, &err),
		     AE_EVERIFY);
}
