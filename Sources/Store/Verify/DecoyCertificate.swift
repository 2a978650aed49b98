/// A certificate in the spool's format (signed, of the usual size) that the key check parses when
/// the number is unknown, so an unknown number costs what a known one does. Its digest matches no key.
package enum DecoyCertificate {
    package static let json = #"""
        {
          "concluded_on": "2025-06-20",
          "contract_number": "DECOY-0000",
          "guarantee": {
            "amount": 19360000,
            "period": {
              "from": "2025-06-20",
              "to": "2026-03-27"
            }
          },
          "guarantee_type": "advance_payment",
          "guarantee_type_name": "前払金保証",
          "issued_at": "2025-10-20T10:00:25+09:00",
          "key_digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000",
          "obligee": {
            "name": "日置市",
            "title": "日置市長"
          },
          "principal": {
            "address": "鹿児島県日置市伊集院町郡一丁目100番地",
            "name": "株式会社日置建設",
            "representative": "代表取締役 山田 太郎"
          },
          "project": {
            "category": "works",
            "contract_amount": 48400000,
            "contract_on": "2025-06-18",
            "location": "日置市伊集院町大田地内",
            "name": "市道伊集院北線道路改良工事",
            "period": {
              "from": "2025-06-19",
              "to": "2026-03-13"
            }
          },
          "schema": "mailbatch.certificate/v1",
          "signature": {
            "algorithm": "Ed25519",
            "fields": {
              "$.concluded_on": "sha256:f8def0ce390ed80abaf0dedab4d8ac3db37a3c0fb3977ce1ae3206bbd97f8c51",
              "$.contract_number": "sha256:02305958f45cfc487e394fa681ccfd7e946c70b54b1e03e9adc70f8496703f75",
              "$.guarantee.amount": "sha256:3052595316797de0ef5f1451420226413cb2da50363115219b648ec972d7e341",
              "$.guarantee.period.from": "sha256:f8def0ce390ed80abaf0dedab4d8ac3db37a3c0fb3977ce1ae3206bbd97f8c51",
              "$.guarantee.period.to": "sha256:a4a7607009eccfc46304fbf399d830086cb82bd5d4b95c76939cf3ed3d1d97e5",
              "$.guarantee_type": "sha256:a88aca88567fa073386ee90498055805bddd62e5a0b0507ede61856fc2406036",
              "$.guarantee_type_name": "sha256:e8668e5dfb6fd469eba6177d8fffc050e93c6cb1d65807e0683f3e2d48a1c52c",
              "$.issued_at": "sha256:08e821a1d217cb1eaab3f076b1b6dc6c22e7594cb61e31ad863191b00dc7e380",
              "$.obligee.name": "sha256:f3343171e365dcd87261fbc034dd810b554f680871108bfa52ea122f28e85128",
              "$.obligee.title": "sha256:1309ad678367198292ee6d427e163a4834dfe16ceb26a06dbabdbc0f5565b855",
              "$.principal.address": "sha256:b135d135b652f04d16ae46251aa6367c59f4b938b8f8e46b0480d53c993340aa",
              "$.principal.name": "sha256:eaca1f07b60c80dd16275d1dda1046ce048d10ecd311c2e587094bcf9cf9aff3",
              "$.principal.representative": "sha256:74dd4b22194bee97496d29a216d4793149d3e06240a9b4edc5bb38ff5b12619c",
              "$.project.category": "sha256:2fc8ad4541cd957b737d1e7899e78444d6668178f386dfdb8e62c834466052ef",
              "$.project.contract_amount": "sha256:8a70cba92464ef693458ddd26e098d0c49c62914a744e38b777bc57286c183d1",
              "$.project.contract_on": "sha256:5bf77c53c8850879ef9220e9a5a43fa2de2f699aaa7c78385ba97ae4e6b57a25",
              "$.project.location": "sha256:e48d026740437a71b0c0bdb735fa425151d3d3004640d0927ac0fa8d4bdefd64",
              "$.project.name": "sha256:c0b207f196c10e16c966cc57c9bc75eed185a45f159b96679fc61ffe9f266cf7",
              "$.project.period.from": "sha256:c1de0bebe56872bdd27c373636c426637f271612a06a1e5e1148d9ed89e8b0bf",
              "$.project.period.to": "sha256:49a1fe1e78808830b448b76499f057f0ac7825e8cc98d211a432c17770257f65",
              "$.schema": "sha256:baaaa3e7230de43ee5700f81c64a88cb9578e7354b8e7f9aa1e5c2926b60d7e1",
              "$.state": "sha256:ddd710f0507f6af7b1a265b7196fccfc83cad7b5e98adb465f8005a55cb43d9a",
              "$.surety": "sha256:d05ec22a35108b7ccb227be91e2029488fd67251a7febfdb72ec09fbb741f423"
            },
            "key_id": "d174ebd8bf017880",
            "value": "cAdl/tvyG8Bz14nwq1YuiVzC6lvAsFaIvVd3Nz0LLWqUiq2B+oeACZmOVXrVaTzB7oQ4Fx/h/uTaDUktRrhCBQ=="
          },
          "state": "valid",
          "surety": "西日本建設業保証株式会社"
        }
        """#
}
