//! A [`Provider`] decorator that counts failed requests by operation and error class
//! (`autolynx_provider_errors_total`), so every caller is measured without instrumenting each.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::provider::{
    CreateCall, Provider, ProviderAssistant, ProviderCall, ProviderPhoneNumber, ProviderResult,
};

pub struct Metered(pub Arc<dyn Provider>);

fn counted<T>(operation: &'static str, result: ProviderResult<T>) -> ProviderResult<T> {
    if let Err(e) = &result {
        crate::metrics::provider_error(operation, e.class());
    }
    result
}

#[async_trait::async_trait]
impl Provider for Metered {
    async fn create_call(&self, request: &CreateCall) -> ProviderResult<ProviderCall> {
        counted("create_call", self.0.create_call(request).await)
    }
    async fn get_call(&self, id: &str) -> ProviderResult<ProviderCall> {
        counted("get_call", self.0.get_call(id).await)
    }
    async fn list_calls(
        &self,
        phone_number_id: &str,
        since: DateTime<Utc>,
    ) -> ProviderResult<Vec<ProviderCall>> {
        counted(
            "list_calls",
            self.0.list_calls(phone_number_id, since).await,
        )
    }
    async fn end_call(&self, call: &ProviderCall) -> ProviderResult<()> {
        counted("end_call", self.0.end_call(call).await)
    }
    async fn create_assistant(&self, config: &Value) -> ProviderResult<ProviderAssistant> {
        counted("create_assistant", self.0.create_assistant(config).await)
    }
    async fn get_assistant(&self, id: &str) -> ProviderResult<ProviderAssistant> {
        counted("get_assistant", self.0.get_assistant(id).await)
    }
    async fn update_assistant(&self, id: &str, patch: &Value) -> ProviderResult<ProviderAssistant> {
        counted("update_assistant", self.0.update_assistant(id, patch).await)
    }
    async fn delete_assistant(&self, id: &str) -> ProviderResult<()> {
        counted("delete_assistant", self.0.delete_assistant(id).await)
    }
    async fn get_phone_number(&self, id: &str) -> ProviderResult<ProviderPhoneNumber> {
        counted("get_phone_number", self.0.get_phone_number(id).await)
    }
}
