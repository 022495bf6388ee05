//! The one canonical encoding of what Steward hashes: JSON with object keys sorted by their UTF-8
//! bytes, no insignificant white space, and strings escaped as `serde_json` escapes them. It does
//! not depend on how any serializer orders maps, so every build hashes the same bytes.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Appends the canonical encoding of `v` to `out`.
pub fn encode_into(v: &Value, out: &mut String) {
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            // Scalars: serde_json's own encoding is already canonical for them.
            out.push_str(&v.to_string());
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_into(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(item) = map.get(k) {
                    encode_into(item, out);
                }
            }
            out.push('}');
        }
    }
}

pub fn encode(v: &Value) -> String {
    let mut s = String::new();
    encode_into(v, &mut s);
    s
}

/// Lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_sorted_and_compact() {
        let v = json!({"b": [1, {"z": null, "a": "é\n"}], "a": true});
        assert_eq!(encode(&v), r#"{"a":true,"b":[1,{"a":"é\n","z":null}]}"#);
    }

    proptest::proptest! {
        #[test]
        fn encoding_round_trips_and_is_stable(keys in proptest::collection::vec("[a-z]{0,4}", 0..8), n in 0i64..1000) {
            let mut m = serde_json::Map::new();
            for (i, k) in keys.iter().enumerate() {
                m.insert(k.clone(), json!([n, i, k]));
            }
            let v = Value::Object(m);
            let e = encode(&v);
            let back: Value = serde_json::from_str(&e).expect("valid JSON");
            proptest::prop_assert_eq!(&back, &v);
            proptest::prop_assert_eq!(encode(&back), e);
        }
    }
}
