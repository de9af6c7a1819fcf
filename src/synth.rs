//! Synthetic test scenes: staged "1920s photographs", their doctored versions and rescans, with
//! exact ground-truth masks. Used by the sample generator, the tests and the benchmarks.
