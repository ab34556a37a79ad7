#ifndef Py_INTERNAL_LOCKDOWN_PERMUTE_H
#define Py_INTERNAL_LOCKDOWN_PERMUTE_H
#ifdef __cplusplus
extern "C" {
#endif

#ifndef Py_BUILD_CORE
#  error "this header requires Py_BUILD_CORE define"
#endif

/* A keyed permutation of the low 48 bits of VALUE; the bits above, zero
   in user-space addresses, are kept.  It hides addresses (id(), "%p",
   thread identifiers) while keeping them unique and stable: a Feistel
   network of two 24-bit halves, one round per key.  The round XORs the key
   into the half, multiplies it by an odd 64-bit constant and keeps the top
   24 bits of the product: those depend on every bit of the keyed half
   through the carries, so a round is not linear, and it costs four
   instructions, which matters because id() and every default repr pay for
   it.  An obfuscation keyed by NKEYS * 32 bits, not a vetted block
   cipher. */
#define _Py_PERMUTE48_HALF_BITS 24
#define _Py_PERMUTE48_HALF_MASK ((UINT32_C(1) << _Py_PERMUTE48_HALF_BITS) - 1)

static inline uint32_t
_Py_Permute48Round(uint32_t half, uint32_t key)
{
    uint64_t product = (uint64_t)(half ^ key) * UINT64_C(0x9e3779b97f4a7c15);
    return (uint32_t)(product >> (64 - _Py_PERMUTE48_HALF_BITS));
}

static inline void
_Py_Permute48Split(uint64_t value, uint32_t *left, uint32_t *right)
{
    *left = (uint32_t)(value >> _Py_PERMUTE48_HALF_BITS)
            & _Py_PERMUTE48_HALF_MASK;
    *right = (uint32_t)value & _Py_PERMUTE48_HALF_MASK;
}

/* VALUE's bits above the low 48, then LEFT and RIGHT. */
static inline uint64_t
_Py_Permute48Join(uint64_t value, uint32_t left, uint32_t right)
{
    return ((value >> (2 * _Py_PERMUTE48_HALF_BITS)
             << (2 * _Py_PERMUTE48_HALF_BITS))
            | ((uint64_t)left << _Py_PERMUTE48_HALF_BITS) | right);
}

static inline uint64_t
_Py_Permute48(uint64_t value, const uint32_t *keys, size_t nkeys)
{
    uint32_t left, right;
    _Py_Permute48Split(value, &left, &right);
    for (size_t i = 0; i < nkeys; i++) {
        uint32_t next = left ^ _Py_Permute48Round(right, keys[i]);
        left = right;
        right = next;
    }
    return _Py_Permute48Join(value, left, right);
}

/* The inverse of _Py_Permute48() with the same keys. */
static inline uint64_t
_Py_Unpermute48(uint64_t value, const uint32_t *keys, size_t nkeys)
{
    uint32_t left, right;
    _Py_Permute48Split(value, &left, &right);
    for (size_t i = nkeys; i > 0; i--) {
        uint32_t previous = right ^ _Py_Permute48Round(left, keys[i - 1]);
        right = left;
        left = previous;
    }
    return _Py_Permute48Join(value, left, right);
}

#ifdef __cplusplus
}
#endif
#endif /* !Py_INTERNAL_LOCKDOWN_PERMUTE_H */
