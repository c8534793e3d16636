//! Request body limit: a declared `Content-Length` over the limit is refused with 413 before
//! anything is read; a body without a declared length (chunked) is cut off at the limit.

use futures_util::StreamExt;
use poem::http::header::CONTENT_LENGTH;
use poem::{Body, Endpoint, IntoResponse, Middleware, Request, Response, Result};

use crate::http::error::ApiError;

pub struct BodyLimit {
    max: u64,
}

impl BodyLimit {
    pub fn new(max: u64) -> Self {
        Self { max }
    }
}

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        BodyLimitEndpoint {
            inner,
            max: self.max,
        }
    }
}

pub struct BodyLimitEndpoint<E> {
    inner: E,
    max: u64,
}

fn too_large(max: u64) -> ApiError {
    ApiError::new(
        poem::http::StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the request body is larger than the limit of {max} bytes"),
    )
    .with_details(serde_json::json!({ "maxBytes": max }))
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let declared = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        match declared {
            Some(len) if len > self.max => return Err(too_large(self.max).into()),
            Some(_) => {}
            None => {
                let max = self.max;
                let mut seen = 0u64;
                let stream = req.take_body().into_bytes_stream().map(move |chunk| {
                    let chunk = chunk?;
                    seen += chunk.len() as u64;
                    if seen > max {
                        Err(std::io::Error::other(format!(
                            "the request body is larger than the limit of {max} bytes"
                        )))
                    } else {
                        Ok(chunk)
                    }
                });
                req.set_body(Body::from_bytes_stream(stream));
            }
        }
        Ok(self.inner.call(req).await?.into_response())
    }
}
