"""The embeddable shop widget (issue 19): which sites may embed it, what it shows, and the cart it starts.

The script (`/widget/v1/ticketapp.js`) renders an event's ticket selection on the organiser's site from a
small JSON document (CORS only for the allowed origins), then continues to checkout in a new tab of the
shop itself: first-party there, so the cart cookie and the whole checkout work as in the shop. Nothing of
the shop is framed, so every page keeps `frame-ancestors 'none'`.
"""
