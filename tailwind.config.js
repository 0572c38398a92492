/** @type {import('tailwindcss').Config} */
module.exports = {
  content: ['./views/**/*.templ', './views/**/*.go'],
  darkMode: 'class',
  theme: {
    extend: {
      colors: {
        // The layout sets both custom properties per page from the campaign's
        // colour, so one stylesheet themes every campaign.
        campaign: 'rgb(var(--campaign-rgb) / <alpha-value>)',
        'on-campaign': 'var(--on-campaign)',
      },
      fontFamily: {
        sans: [
          'Inter',
          'ui-sans-serif',
          'system-ui',
          '-apple-system',
          'Segoe UI',
          'Roboto',
          'Helvetica Neue',
          'Arial',
          'sans-serif',
        ],
      },
    },
  },
  plugins: [],
};
