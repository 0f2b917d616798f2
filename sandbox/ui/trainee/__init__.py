"""The trainee's screens: sign-in, scenario picker, live timeline with composer, results."""
