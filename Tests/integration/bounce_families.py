"""Returned mail in the formats mail servers write, one builder per family: our own messages, written
after the headers and wording each server uses (example.jp addresses, made-up hosts), not copies of
anyone's corpus. Each builder takes the failed address and the Message-ID of the returned message and
gives the bytes, and names the reasons a reader should find."""

ORIGINAL = ("From: =?UTF-8?B?6KW/5pel5pys5bu66Kit5qWt5L+d6Ki8?= <e-hosho@example.jp>\r\nTo: {rcpt}\r\n"
            "Subject: =?UTF-8?B?6Zu75a2Q6Ki85pu444O76KqN6Ki844Kt44O855m76Yyy44Gu44GK55+l44KJ44Gb?=\r\n"
            "Message-ID: <{mid}>\r\nDate: Mon, 20 Oct 2025 10:00:00 +0900\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n\r\n")


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def report(headers, text, dsn, rcpt, mid, to, boundary="rpt-0001"):
    """A multipart/report: a text part, a message/delivery-status part, the returned headers."""
    return crlf(
        f"{headers}To: {to}\nMIME-Version: 1.0\n"
        f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"\n\n"
        f"--{boundary}\nContent-Type: text/plain; charset=us-ascii\n\n{text}\n"
        f"--{boundary}\nContent-Type: message/delivery-status\n\n{dsn}\n"
        f"--{boundary}\nContent-Type: text/rfc822-headers\n\n" + ORIGINAL.format(rcpt=rcpt, mid=mid).replace("\r\n", "\n")
        + f"--{boundary}--\n").encode()


def plain(headers, text, rcpt, mid, to, attach=True):
    """A text bounce with the returned message attached as message/rfc822 (or quoted after the text)."""
    original = ORIGINAL.format(rcpt=rcpt, mid=mid).replace("\r\n", "\n") + "本文\n"
    if not attach:
        return crlf(f"{headers}To: {to}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n{text}\n{original}").encode()
    return crlf(
        f"{headers}To: {to}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"mix-0001\"\n\n"
        f"--mix-0001\nContent-Type: text/plain; charset=us-ascii\n\n{text}\n"
        f"--mix-0001\nContent-Type: message/rfc822\n\n{original}\n--mix-0001--\n").encode()


def dsn_fields(rcpt, status, code, mta="mx.example.jp", action="failed"):
    return (f"Reporting-MTA: dns; {mta}\nArrival-Date: Mon, 20 Oct 2025 10:00:01 +0900\n\n"
            f"Final-Recipient: rfc822; {rcpt}\nOriginal-Recipient: rfc822;{rcpt}\nAction: {action}\nStatus: {status}\n"
            f"Remote-MTA: dns; {mta}\nDiagnostic-Code: smtp; {code}\n")


DATE = "Date: Mon, 20 Oct 2025 10:00:05 +0900\n"


def postfix(rcpt, mid, to):
    return report(
        f"From: MAILER-DAEMON@relay.example.jp (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\n{DATE}"
        "Auto-Submitted: auto-replied\n",
        "This is the mail system at host relay.example.jp.\n\nI'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        f"<{rcpt}>: host mx.example.jp[192.0.2.25] said: 550 5.1.1\n    <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox\n    table (in reply to RCPT TO command)\n",
        dsn_fields(rcpt, "5.1.1", f"550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table"),
        rcpt, mid, to)


def sendmail(rcpt, mid, to):
    return report(
        f"From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.jp>\nSubject: Returned mail: see transcript for details\n{DATE}"
        "Auto-Submitted: auto-generated (failure)\n",
        "The original message was received at Mon, 20 Oct 2025 10:00:00 +0900\nfrom localhost [127.0.0.1]\n\n"
        f"   ----- The following addresses had permanent fatal errors -----\n<{rcpt}>\n    (reason: 550 5.1.1 <{rcpt}>... User Unknown)\n\n"
        f"   ----- Transcript of session follows -----\n... while talking to mx.example.jp.:\n>>> DATA\n<<< 550 5.1.1 <{rcpt}>... User Unknown\n",
        dsn_fields(rcpt, "5.1.1", f"550 5.1.1 <{rcpt}>... User Unknown"), rcpt, mid, to)


def exim(rcpt, mid, to):
    return plain(
        f"From: Mail Delivery System <Mailer-Daemon@mx.example.jp>\nSubject: Mail delivery failed: returning message to sender\n{DATE}"
        f"X-Failed-Recipients: {rcpt}\nAuto-Submitted: auto-replied\n",
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n"
        f"  {rcpt}\n    host mx2.example.jp [192.0.2.26]\n    SMTP error from remote mail server after RCPT TO:<{rcpt}>:\n    550 5.1.1 No such user here\n",
        rcpt, mid, to)


def qmail(rcpt, mid, to):
    return plain(
        f"From: MAILER-DAEMON@mail.example.jp\nSubject: failure notice\n{DATE}",
        "Hi. This is the qmail-send program at mail.example.jp.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
        f"<{rcpt}>:\n192.0.2.27 does not like recipient.\nRemote host said: 550 5.1.1 <{rcpt}>... User Unknown\nGiving up on 192.0.2.27.\n\n"
        "--- Below this line is a copy of the message.\n",
        rcpt, mid, to, attach=False)


def kddi(rcpt, mid, to):
    """au (KDDI): a notice from the carrier's relay, in English, with the failed address indented."""
    return plain(
        f"From: no-reply@msmx.dion.ne.jp\nSubject: Undelivered Mail Returned to Sender\n{DATE}"
        "Received: from mfsmx.example.jp by mx.ezweb.ne.jp (EZweb Mail) with ESMTP id 0001\n",
        "Your mail sent on: Mon, 20 Oct 2025 10:00:00 +0900\n"
        f"     Could not be delivered to: <{rcpt}>\n     As their mailbox is full.\n",
        rcpt, mid, to)


def biglobe(rcpt, mid, to):
    return plain(
        f"From: postmaster@biglobe.ne.jp\nSubject: Returned mail: Delivery failed\n{DATE}",
        "   ----- The following addresses had delivery problems -----\n"
        f"{rcpt}\n\n   ----- Non-delivered information -----\n"
        "The number of messages in recipient's mailbox exceeded the local limit.\n",
        rcpt, mid, to)


def docomo(rcpt, mid, to):
    """NTT docomo: a standard report from its relay, refusing an unknown user."""
    return report(
        f"From: MAILER-DAEMON@mfsmax.docomo.ne.jp (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\n{DATE}",
        f"This is the mail system at host mfsmax.docomo.ne.jp.\n\n<{rcpt}>: host mfsmax.docomo.ne.jp said: 550 Unknown user {rcpt}\n",
        dsn_fields(rcpt, "5.0.0", f"550 Unknown user {rcpt}", mta="mfsmax.docomo.ne.jp"), rcpt, mid, to)


def softbank(rcpt, mid, to):
    return report(
        f"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.softbank.ne.jp>\nSubject: Returned mail: User unknown\n{DATE}",
        f"The original message was received from [192.0.2.30]\n\n   ----- The following addresses had permanent fatal errors -----\n<{rcpt}>\n",
        dsn_fields(rcpt, "5.1.1", f"550 5.1.1 <{rcpt}>... User unknown", mta="mx.softbank.ne.jp"), rcpt, mid, to)


def workmail(rcpt, mid, to):
    return report(
        f"From: MAILER-DAEMON@us-west-2.awsapps.com\nSubject: Delivery Status Notification (Failure)\n{DATE}"
        "X-SES-Outgoing: 2025.10.20-54.240.27.1\nX-Mailer: Amazon WorkMail\n",
        "An error occurred while trying to deliver the mail to the following recipients:\n" + rcpt + "\n",
        dsn_fields(rcpt, "5.1.1", "550 5.1.1 Requested action not taken: mailbox unavailable", mta="email-smtp.us-west-2.amazonaws.com"),
        rcpt, mid, to)


def google_workspace(rcpt, mid, to):
    return report(
        f"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nSubject: Delivery Status Notification (Failure)\n{DATE}"
        "X-Gm-Message-State: AOJu0Yexample\n",
        f"** Address not found **\n\nYour message wasn't delivered to {rcpt} because the address couldn't be found, or is unable to receive mail.\n",
        dsn_fields(rcpt, "5.1.1", f"550 5.1.1 The email account that you tried to reach does not exist.", mta="mx.google.example"),
        rcpt, mid, to)


def opensmtpd(rcpt, mid, to):
    return plain(
        f"From: Mailer Daemon <MAILER-DAEMON@smtpd.example.jp>\nSubject: Delivery status notification: error\n{DATE}"
        "Received: from localhost (smtpd.example.jp [192.0.2.31]) by smtpd.example.jp (OpenSMTPD) with ESMTPA id 1a2b3c4d\n",
        "    Hi!\n\n    This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\n"
        "    An error has occurred while attempting to deliver a message for\n    the following list of recipients:\n\n"
        f"{rcpt}: 550 5.1.1 Invalid recipient\n\n    Below is a copy of the original message:\n",
        rcpt, mid, to, attach=False)


def exchange2003(rcpt, mid, to):
    return plain(
        f"From: System Administrator <postmaster@exchange.example.jp>\nSubject: Undeliverable: notice\n{DATE}"
        "X-MS-Embedded-Report: \nX-MimeOLE: Produced By Microsoft Exchange V6.5\n",
        f"Your message\n\n  To:      {rcpt}\n  Subject: notice\n  Sent:    Mon, 20 Oct 2025 10:00:00 +0900\n\n"
        f"did not reach the following recipient(s):\n\n{rcpt} on Mon, 20 Oct 2025 10:00:03 +0900\n"
        "    The e-mail account does not exist at the organization this message was sent to.\n    <exchange.example.jp #5.1.1>\n",
        rcpt, mid, to)


def sendgrid(rcpt, mid, to):
    return report(
        f"Return-Path: <apps@sendgrid.net>\nFrom: MAILER-DAEMON@sendgrid.net\nSubject: Undelivered Mail Returned to Sender\n{DATE}",
        "This is an automatically generated message from SendGrid.\n\nI'm sorry to have to tell you that your message was not able to be\ndelivered to one of its intended recipients.\n",
        dsn_fields(rcpt, "5.1.1", "550 5.1.1 The user does not exist", mta="sendgrid.net"), rcpt, mid, to)


def interscan(rcpt, mid, to):
    return plain(
        f"From: \"InterScan MSS\" <postmaster@imss.example.jp>\nSubject: Mail could not be delivered\n{DATE}",
        f"This is an automatically generated message.\n\nSent <<< RCPT TO:<{rcpt}>\nReceived >>> 550 5.1.1 <{rcpt}>... User unknown\n\n"
        "Unable to deliver message to <" + rcpt + ">.\n",
        rcpt, mid, to)


def amavis(rcpt, mid, to):
    return report(
        f"From: \"Content-filter at mx.example.jp\" <postmaster@mx.example.jp>\nSubject: Undeliverable mail, MTA-BLOCKED\n{DATE}",
        "This nondelivery report was generated by the program amavisd-new at host\nmx.example.jp. Our internal reference code for your message is 12345-01\n",
        dsn_fields(rcpt, "5.7.0", "554 5.7.0 Reject, id=12345-01 - spam detected", mta="mx.example.jp"), rcpt, mid, to)


def barracuda(rcpt, mid, to):
    return report(
        f"From: postmaster@barracuda.example.jp\nSubject: Message you sent blocked by our bulk email filter\n{DATE}",
        "Your message to: " + rcpt + "\nwas blocked by our Spam Firewall. The email you sent with the following subject has NOT BEEN DELIVERED:\n",
        dsn_fields(rcpt, "5.7.1", "550 5.7.1 Message content rejected, blocked by the spam filter", mta="barracuda.example.jp"),
        rcpt, mid, to)


def aol(rcpt, mid, to):
    return report(
        f"From: Mail Delivery Subsystem <MAILER-DAEMON@aol.example>\nSubject: Undelivered Mail Returned to Sender\n{DATE}"
        "X-AOL-IP: 192.0.2.40\n",
        f"This is the mail system at host aol.example.\n\n<{rcpt}>: host mx.aol.example said: 550 5.1.1 <{rcpt}>: Recipient address rejected: aol.example\n",
        dsn_fields(rcpt, "5.1.1", f"550 5.1.1 <{rcpt}>: Recipient address rejected: aol.example", mta="mx.aol.example"), rcpt, mid, to)


def rfc3464_delayed(rcpt, mid, to):
    return report(
        f"From: MAILER-DAEMON@relay.example.jp\nSubject: Delayed Mail (still being retried)\n{DATE}",
        "This is the mail system at host relay.example.jp.\n\n####################################################################\n"
        "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n####################################################################\n",
        dsn_fields(rcpt, "4.4.1", "connect to mx.example.jp[192.0.2.25]:25: Connection timed out", action="delayed"),
        rcpt, mid, to)


def mailbox_full_dsn(rcpt, mid, to):
    """A standard report whose server says the mailbox is full (a soft failure)."""
    return report(
        f"From: MAILER-DAEMON@relay.example.jp (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\n{DATE}",
        f"<{rcpt}>: host mx.example.jp[192.0.2.25] said: 552 5.2.2 <{rcpt}>: Mailbox full\n",
        dsn_fields(rcpt, "5.2.2", f"552 5.2.2 <{rcpt}>: Mailbox full"), rcpt, mid, to)


# family -> (builder, reasons a reader may name)
FAMILIES = {
    "postfix": (postfix, {"userunknown"}),
    "sendmail": (sendmail, {"userunknown"}),
    "exim": (exim, {"userunknown"}),
    "qmail": (qmail, {"userunknown"}),
    "kddi-au": (kddi, {"mailboxfull"}),
    "biglobe": (biglobe, {"mailboxfull"}),
    "docomo": (docomo, {"userunknown", "filtered"}),
    "softbank": (softbank, {"userunknown"}),
    "amazon-workmail": (workmail, {"userunknown"}),
    "google-workspace": (google_workspace, {"userunknown"}),
    "opensmtpd": (opensmtpd, {"userunknown"}),
    "exchange2003": (exchange2003, {"userunknown"}),
    "sendgrid": (sendgrid, {"userunknown"}),
    "interscan-mss": (interscan, {"userunknown"}),
    "amavis": (amavis, {"spamdetected"}),
    "barracuda": (barracuda, {"spamdetected", "rejected", "blocked", "filtered"}),
    "aol": (aol, {"userunknown", "rejected"}),
}
