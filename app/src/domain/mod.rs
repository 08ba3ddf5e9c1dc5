//! The vocabulary every layer shares, below all of them: input parsed at the boundary into types
//! that cannot hold bad values, every stored status, and the money arithmetic (KDV, totals).
//! Nothing here imports a feature, the state or the database.

mod ids;
mod inputs;
mod money;
mod search;
mod settings;
mod status;
mod totals;

pub use ids::*;
pub use inputs::*;
pub use money::*;
pub use search::*;
pub use settings::*;
pub use status::*;
pub use totals::*;
