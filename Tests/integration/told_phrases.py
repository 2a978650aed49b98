"""Sentences that must never stand together in what one contract's parties are told: the first of a
pair in one mail and the second in the other (or the same) mail of the same version contradict
each other. Used by test_told and the matrix test."""

# (contractor phrase, orderer phrase, why they contradict)
CONTRADICTIONS = [
    ("改めて提出していただく必要はありません", "様からご提出いただくか", "the contractor need not submit / the orderer waits for it"),
    ("改めて提出していただく必要はありません", "様から別途ご提出いただきます（認証キー", "need not submit / will submit"),
    ("当初と同じ方法で発注者へご提出ください", "改めて提出していただく必要はありません", "submit again / need not submit"),
    ("発注者へご持参ください", "改めて提出していただく必要はありません", "bring it / need not submit"),
    ("ファイルは添付していません", "添付の『電子証書閲覧用「認証キー」等のお知らせ』にも記載", "nothing attached / see the attachment"),
    ("このメールにはファイルを添付していません", "添付の『電子証書閲覧用「認証キー」等のお知らせ』にも記載", "nothing attached / see the attachment"),
    ("追加保証料はありません", "保証料計算書と領収書を添付", "no premium / premium papers attached"),
]

# Phrases that contradict within one mail, whoever reads it.
SELF_CONTRADICTIONS = [
    ("当初と同じ方法で発注者へご提出ください", "改めて提出していただく必要はありません"),
    ("このメールにはファイルを添付していません", "添付の『電子証書閲覧用「認証キー」等のお知らせ』にも記載"),
    ("追加保証料はありません", "追加保証料　金"),
]


def contradictions(contractor_text, orderer_text):
    """Every pair that both texts (or one text) hold, as readable strings; empty when they agree."""
    found = []
    for a, b, why in CONTRADICTIONS:
        if a in contractor_text and b in orderer_text:
            found.append(f"contractor 「{a}」 / orderer 「{b}」: {why}")
        if a in orderer_text and b in contractor_text:
            found.append(f"orderer 「{a}」 / contractor 「{b}」: {why}")
    for text, who in ((contractor_text, "contractor"), (orderer_text, "orderer")):
        for a, b in SELF_CONTRADICTIONS:
            if a in text and b in text:
                found.append(f"{who} mail says both 「{a}」 and 「{b}」")
    return found
