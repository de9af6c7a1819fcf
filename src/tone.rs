//! Photometric normalisation of the warped after image to the before image.
