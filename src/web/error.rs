//! Errors of the web layer, each answered with a Polish page (or an htmx-friendly redirect).

use super::views::layout;
use crate::store::StoreError;
use poem::error::ResponseError;
use poem::http::StatusCode;
use poem::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not logged in")]
    /// `expired`: the browser had a session, but it ended (timeout, logout elsewhere, disabled).
    NotLoggedIn { htmx: bool, expired: bool },
    #[error("not found")]
    NotFound,
    /// The account requires the second factor and this user has not set it up yet.
    #[error("second factor required")]
    SecondFactorRequired { htmx: bool },
    #[error("forbidden by role")]
    Forbidden,
    /// A change asked in the operator's read-only view of an account (`panel admin login-as`).
    #[error("read-only view")]
    ReadOnly,
    #[error("missing or invalid CSRF token")]
    Csrf,
    #[error("rate limited")]
    TooManyRequests,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("request body too slow")]
    RequestTimeout,
    #[error("internal error: {0}")]
    Internal(String),
    /// The store cannot write for now (e.g. a full disk); it recovers by itself.
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        if e.is_io() {
            AppError::Unavailable(e.to_string())
        } else {
            AppError::Internal(e.to_string())
        }
    }
}

impl ResponseError for AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotLoggedIn { .. } => StatusCode::SEE_OTHER,
            AppError::SecondFactorRequired { htmx: true } => StatusCode::OK,
            AppError::SecondFactorRequired { htmx: false } => StatusCode::SEE_OTHER,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf | AppError::ReadOnly => StatusCode::FORBIDDEN,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn as_response(&self) -> Response {
        let (title, text) = match self {
            AppError::NotLoggedIn { htmx, expired } => {
                let to = if *expired {
                    "/logowanie?sesja=wygasla"
                } else {
                    "/logowanie"
                };
                // htmx follows redirects inside the XHR; HX-Redirect makes it load the login page.
                let (status, header) = if *htmx {
                    (StatusCode::OK, "HX-Redirect")
                } else {
                    (StatusCode::SEE_OTHER, "Location")
                };
                return Response::builder()
                    .status(status)
                    .header(header, to)
                    .finish();
            }
            AppError::SecondFactorRequired { htmx } => {
                let header = if *htmx { "HX-Redirect" } else { "Location" };
                return Response::builder()
                    .status(self.status())
                    .header(header, "/bezpieczenstwo")
                    .finish();
            }
            AppError::NotFound => (
                "Nie znaleziono",
                "Nie ma takiej strony ani usługi na Twoim koncie. Sprawdź adres lub wróć na Pulpit.",
            ),
            AppError::Forbidden => (
                "Brak uprawnień",
                "Twoja rola na tym koncie nie pozwala na tę operację. Poproś właściciela konta o zmianę roli.",
            ),
            AppError::ReadOnly => (
                "Podgląd konta — tylko do odczytu",
                "To jest podgląd konta tylko do odczytu: można przeglądać strony, ale niczego nie można zmienić ani zamówić.",
            ),
            AppError::Csrf => (
                "Formularz wygasł",
                "Nie możemy potwierdzić, że formularz wysłano z Panelu klienta. Odśwież stronę i spróbuj ponownie.",
            ),
            AppError::TooManyRequests => (
                "Zbyt wiele prób",
                "Wykonano zbyt wiele prób w krótkim czasie. Odczekaj chwilę i spróbuj ponownie.",
            ),
            AppError::PayloadTooLarge => (
                "Za duże żądanie",
                "Przesłane dane są zbyt duże. Wróć do formularza i spróbuj ponownie.",
            ),
            AppError::RequestTimeout => (
                "Przekroczono czas",
                "Dane z formularza docierały zbyt długo. Sprawdź połączenie i spróbuj ponownie.",
            ),
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    "Wystąpił błąd",
                    "Coś poszło nie tak po naszej stronie. Spróbuj ponownie za chwilę.",
                )
            }
            AppError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "request refused: the store cannot write");
                (
                    "Chwilowo nie możemy zapisać zmian",
                    "Chwilowo nie możemy zapisać zmian, spróbuj za chwilę.",
                )
            }
        };
        (self.status(), layout::error_page(title, text)).into_response()
    }
}

pub type WebResult<T> = Result<T, AppError>;
