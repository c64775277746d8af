"""The Chinese font of every PDF: reportlab's built-in CID font STSong-Light (no font file to ship), registered once."""
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
