//! The 2-D discrete Fourier transform of a row-major grid, by rows then columns with
//! `rustfft`, in `f32` (the halftone screen's spectrum) or `f64` (phase correlation).

use rustfft::num_complex::Complex;
use rustfft::{FftNum, FftPlanner};

/// Transforms the `w × h` row-major grid `data` in place: forward, or inverse when `inverse`
/// (unnormalised both ways, as `rustfft` is).
pub fn fft2<T: FftNum>(data: &mut [Complex<T>], w: usize, h: usize, inverse: bool) {
    let mut planner = FftPlanner::new();
    let plan = |planner: &mut FftPlanner<T>, n| {
        if inverse {
            planner.plan_fft_inverse(n)
        } else {
            planner.plan_fft_forward(n)
        }
    };
    let row = plan(&mut planner, w);
    for chunk in data.chunks_mut(w) {
        row.process(chunk);
    }
    let col = plan(&mut planner, h);
    let mut column = vec![Complex::new(T::zero(), T::zero()); h];
    for x in 0..w {
        for (y, c) in column.iter_mut().enumerate() {
            *c = data[y * w + x];
        }
        col.process(&mut column);
        for (y, c) in column.iter().enumerate() {
            data[y * w + x] = *c;
        }
    }
}
