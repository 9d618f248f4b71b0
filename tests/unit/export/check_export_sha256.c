/* Unit tests of SHA-256 (FIPS 180-4 examples) and HMAC-SHA256 (RFC 4231 test cases). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "export/export_internal.h"

static void sha_hex(const void *p, size_t n, char hex[65])
{
    crtk__sha256 c;
    unsigned char d[32];
    crtk__sha256_init(&c);
    crtk__sha256_update(&c, p, n);
    crtk__sha256_final(&c, d);
    crtk__hex(hex, d, 32);
}

static const struct {
    const char *msg;
    const char *hex;
} vectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmn"
     "opqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

START_TEST(test_sha256_fips_vectors)
{
    char hex[65];
    sha_hex(vectors[_i].msg, strlen(vectors[_i].msg), hex);
    ck_assert_str_eq(hex, vectors[_i].hex);
}
END_TEST

START_TEST(test_sha256_million_a_in_odd_pieces)
{
    crtk__sha256 c;
    unsigned char d[32];
    char hex[65], *a = malloc(1000000);
    size_t off = 0, step = 1;
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', 1000000);
    crtk__sha256_init(&c);
    while (off < 1000000) {
        size_t n = step < 1000000 - off ? step : 1000000 - off;
        crtk__sha256_update(&c, a + off, n);
        off += n;
        step = step * 3 % 997 + 1; /* pieces of every size around the 64-byte block */
    }
    crtk__sha256_final(&c, d);
    crtk__hex(hex, d, 32);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}
END_TEST

static void hmac_hex(const void *k, size_t kl, const void *m, size_t ml, char hex[65])
{
    crtk__hmac h;
    unsigned char d[32];
    crtk__hmac_init(&h, k, kl);
    crtk__hmac_update(&h, m, ml);
    crtk__hmac_final(&h, d);
    crtk__hex(hex, d, 32);
}

START_TEST(test_hmac_rfc4231)
{
    unsigned char k1[20], k6[131], k3[20], d3[50];
    char hex[65];
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    const char *m7 = "This is a test using a larger than block-size key and a larger than block-"
                     "size data. The key needs to be hashed before being used by the HMAC "
                     "algorithm.";

    memset(k1, 0x0b, sizeof k1);
    hmac_hex(k1, sizeof k1, "Hi There", 8, hex);
    ck_assert_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    hmac_hex("Jefe", 4, "what do ya want for nothing?", 28, hex);
    ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(k3, 0xaa, sizeof k3);
    memset(d3, 0xdd, sizeof d3);
    hmac_hex(k3, sizeof k3, d3, sizeof d3, hex);
    ck_assert_str_eq(hex, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    memset(k6, 0xaa, sizeof k6);
    hmac_hex(k6, sizeof k6, m6, strlen(m6), hex);
    ck_assert_str_eq(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    hmac_hex(k6, sizeof k6, m7, strlen(m7), hex);
    ck_assert_str_eq(hex, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}
END_TEST

static Suite *sha256_suite(void)
{
    Suite *s = suite_create("export_sha256");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_sha256_fips_vectors, 0, (int)(sizeof vectors / sizeof vectors[0]));
    tcase_add_test(tc, test_sha256_million_a_in_odd_pieces);
    tcase_add_test(tc, test_hmac_rfc4231);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sha256_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
