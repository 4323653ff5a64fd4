"""French mails set a space before the colons the mail blocks add ("Vos billets :"); addresses and times stay."""

from __future__ import annotations

from ticketapp.services.shared.mail import MailLink, button, link_list, paragraph, render


def test_french_colons_get_their_space_and_nothing_else_moves() -> None:
    blocks = [
        link_list("Vos billets", [MailLink("Billet A1", "PDF", "https://tickets.example.org/t/1")]),
        button("Voir la commande", "https://tickets.example.org/o"),
        paragraph("Ouverture des portes à 20:00"),
    ]
    text = render(blocks, "fr").text
    assert text.startswith("Vos billets :\nBillet A1 (PDF) : https://tickets.example.org/t/1\n")
    assert "Voir la commande :\nhttps://tickets.example.org/o" in text and "à 20:00" in text
    assert render(blocks, "en").text.startswith("Vos billets:\nBillet A1 (PDF): https://")
