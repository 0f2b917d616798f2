"""Reply Sandbox: practise answering the public on social media, safely and offline."""

__version__ = "0.1.0"
