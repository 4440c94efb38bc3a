//! The synapse memories: a weight and a learning-enable bit per synapse.
//!
//! Addresses follow the device (docs/semantics.md §2): row = post-synaptic neuron,
//! column = pre-synaptic input or neuron. Internally a matrix is stored column by
//! column ("pre-major"), so that the fan-out of one spike — the column the core reads
//! in an accumulate or LTD slot — is contiguous.

use std::fmt;

use crate::error::ModelError;

/// Which weight matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Matrix {
    /// `W_in[N][M]`: input axons → neurons.
    Input,
    /// `W_rec[N][N]`: neurons → neurons.
    Recurrent,
}

impl fmt::Display for Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Matrix::Input => "W_in",
            Matrix::Recurrent => "W_rec",
        })
    }
}

/// Which STDP trace memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TraceKind {
    /// Per input axon, the pre trace of `W_in`.
    Input,
    /// Per neuron, the pre trace of `W_rec`.
    Pre,
    /// Per neuron, the post trace of both matrices.
    Post,
}

/// One synapse matrix: weights and enable bits, stored pre-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Synapses {
    posts: usize,
    pres: usize,
    pub(crate) weights: Vec<i8>,
    pub(crate) plastic: Vec<bool>,
}

impl Synapses {
    pub(crate) fn new(posts: usize, pres: usize) -> Synapses {
        Synapses { posts, pres, weights: vec![0; posts * pres], plastic: vec![false; posts * pres] }
    }

    /// Storage index of synapse (post, pre); both already checked.
    #[inline(always)]
    pub(crate) fn at(&self, post: usize, pre: usize) -> usize {
        pre * self.posts + post
    }

    /// Check (post, pre) and return the storage index.
    pub(crate) fn index(&self, post: usize, pre: usize, pre_what: &'static str) -> Result<usize, ModelError> {
        ModelError::check_index("neuron", post, self.posts)?;
        ModelError::check_index(pre_what, pre, self.pres)?;
        Ok(self.at(post, pre))
    }

    /// The weights of every post-synaptic neuron of `pre`.
    #[inline(always)]
    pub(crate) fn column(&self, pre: usize) -> &[i8] {
        &self.weights[pre * self.posts..(pre + 1) * self.posts]
    }

    /// Copy a row-major `[post][pre]` image in.
    pub(crate) fn load<T: Copy>(
        dst: &mut [T],
        posts: usize,
        pres: usize,
        what: &'static str,
        row_major: &[T],
    ) -> Result<(), ModelError> {
        if row_major.len() != posts * pres {
            return Err(ModelError::Length { what, got: row_major.len(), expected: posts * pres });
        }
        for (post, row) in row_major.chunks_exact(pres).enumerate() {
            for (pre, &value) in row.iter().enumerate() {
                dst[pre * posts + post] = value;
            }
        }
        Ok(())
    }

    /// Copy out as a row-major `[post][pre]` image.
    pub(crate) fn dump<T: Copy>(src: &[T], posts: usize, pres: usize) -> Vec<T> {
        (0..posts).flat_map(|post| (0..pres).map(move |pre| src[pre * posts + post])).collect()
    }

    pub(crate) fn posts(&self) -> usize {
        self.posts
    }

    pub(crate) fn pres(&self) -> usize {
        self.pres
    }
}
